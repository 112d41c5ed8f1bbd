"""The three-way merge of a stale form, as plain values."""

from households.merging import three_way

READ = {"address": "Số 5", "head_name": "An", "ethnic_minority": False}


def test_a_field_only_i_changed_is_written_and_one_only_they_changed_is_kept():
    merge = three_way(
        read=READ,
        mine={**READ, "head_name": "Bình"},
        current={**READ, "address": "Số 9"},
    )
    assert merge.changes == {"head_name": "Bình"}
    assert merge.taken == {"address": "Số 9"}
    assert merge.clean


def test_a_field_both_changed_differently_is_a_conflict():
    merge = three_way(read=READ, mine={**READ, "address": "Số 7"}, current={**READ, "address": "Số 9"})
    assert merge.conflicts == ("address",)
    assert not merge.clean and merge.changes == {}


def test_the_same_change_on_both_sides_is_no_conflict():
    merge = three_way(read=READ, mine={**READ, "address": "Số 9"}, current={**READ, "address": "Số 9"})
    assert merge.clean and merge.changes == {} and merge.taken == {}


def test_nothing_changed_anywhere():
    assert three_way(read=READ, mine=READ, current=READ).changes == {}


def test_without_what_was_read_every_difference_is_asked_about():
    merge = three_way(read=None, mine={**READ, "address": "Số 7"}, current=READ)
    assert merge.conflicts == ("address",)


def test_only_the_fields_the_form_sends_count():
    merge = three_way(read=READ, mine={"head_name": "Bình"}, current={**READ, "address": "Số 9"})
    assert merge.changes == {"head_name": "Bình"} and merge.taken == {}
