from hungbinh.formats.common import *  # noqa: F403
