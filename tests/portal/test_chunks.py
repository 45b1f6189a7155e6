"""Ids cut into pieces a query can take (portal.chunks): in order, none over the size, nothing
lost, whatever iterable they come in."""

from portal.chunks import IN_CHUNK, chunked


def test_ids_come_back_in_order_in_pieces_of_at_most_the_size():
    pieces = list(chunked(range(2 * IN_CHUNK + 1)))
    assert [len(piece) for piece in pieces] == [IN_CHUNK, IN_CHUNK, 1]
    assert [i for piece in pieces for i in piece] == list(range(2 * IN_CHUNK + 1))


def test_any_iterable_and_none_at_all():
    assert list(chunked((i for i in range(5)), size=2)) == [[0, 1], [2, 3], [4]]
    assert list(chunked(set())) == []


def test_a_piece_stays_below_sqlites_999_parameters():
    assert IN_CHUNK < 999
