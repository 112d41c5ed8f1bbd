"""An import whose process is killed between two batches, for tests/security/test_import_interrupted.py.

Run in a child process (its database is the test's, named by DATABASE_URL): it imports the workbook
`--file` into ward `--ward` as user `--user`, two households a batch, prints "batch <done>/<total>" after
each committed batch, and after `--stop-after` households waits, between two batches, to be killed.
"""

import argparse
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--file", required=True)
    parser.add_argument("--ward", type=int, required=True)
    parser.add_argument("--user", type=int, required=True)
    parser.add_argument("--stop-after", type=int, required=True)
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from households.importing import household_import, writing
    from households.models import Ward

    writing.BATCH_HOUSEHOLDS = 2
    writing.SQLITE_PAUSE_SECONDS = 0

    def progress(done: int, total: int) -> None:
        print(f"batch {done}/{total}", flush=True)
        if done >= args.stop_after:
            while True:  # outside any transaction: the batches so far are committed, the next not begun
                time.sleep(1)

    with open(args.file, "rb") as file:
        household_import(
            by=get_user_model().objects.get(pk=args.user),
            ward=Ward.objects.get(pk=args.ward),
            file=file,
            dry_run=False,
            progress=progress,
            file_name="danh-sach-ho.xlsx",
        )
    print("finished", flush=True)


if __name__ == "__main__":
    main()
