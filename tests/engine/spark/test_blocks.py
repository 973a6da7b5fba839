"""The executor-side work on blocks, on plain arrays (no Spark)."""

import numpy as np
import pytest

from learninspy.utils import block_tasks as tasks


@pytest.fixture
def parts():
    rng = np.random.default_rng(0)
    X = rng.normal(3.0, 2.0, (50, 4)).astype(np.float32)
    y = rng.integers(0, 3, 50).astype(np.float64)
    return X, [(X[a:b], y[a:b]) for a, b in ((0, 7), (7, 30), (30, 50))]


def test_moments_merged_over_uneven_blocks_are_those_of_the_whole(parts):
    X, blocks = parts
    total = None
    for block in blocks:
        total = tasks.merge_moments(total, tasks.add_moments(None, block))
    n, mean, squares, low, high = total
    whole = X.astype(np.float64)
    assert n == len(X)
    assert np.allclose(mean, whole.mean(axis=0))
    assert np.allclose(squares / n, whole.var(axis=0))
    assert np.array_equal(low, whole.min(axis=0)) and np.array_equal(high, whole.max(axis=0))


def test_scatter_merged_over_blocks_gives_the_covariance(parts):
    X, blocks = parts
    total = None
    for block in blocks:
        total = tasks.merge_scatter(total, tasks.add_scatter(None, block))
    n, _, scatter = total
    assert np.allclose(scatter / (n - 1), np.cov(X.astype(np.float64), rowvar=False))


def test_problems_name_the_row_of_the_whole_data_set(parts):
    _, blocks = parts

    def check(block):
        bad = np.flatnonzero(block[1] == 2)
        if bad.size:
            raise ValueError(f"row {bad[0]} has label 2")

    offsets = [0, 7, 30]
    found = list(tasks.find_problems(check, offsets, 2, [blocks[2]]))
    first = 30 + int(np.flatnonzero(blocks[2][1] == 2)[0])
    assert found == [("ValueError", f"row {first} has label 2")]


def test_rows_of_mixed_widths_are_reported_by_row():
    rows = [([1.0, 2.0], 0), ([1.0, 2.0], 1), ([1.0], 0)]
    [(X, problem)] = tasks.rows_to_block(3, iter(rows))
    assert X is None
    assert problem == ("rows have different numbers of features: row 0 of partition 3 has 2, "
                       "row 2 has 1")


def test_lines_of_a_block_take_labels_of_shape_n_or_n_by_1():
    X = np.array([[1.5, 2.0], [3.0, 4.25]], dtype=np.float32)
    for y in (np.array([0.0, 1.0]), np.array([[0.0], [1.0]])):
        assert tasks.to_lines((X, y)) == ["1.5,2,0.0", "3,4.25,1.0"]


def test_blocks_pass_through_described_unchanged_and_each_partition_is_described_once(parts):
    _, blocks = parts

    class Accumulator:  # as Spark merges a task's update into the driver's value
        rule, value = tasks.Descriptions(), None

        def add(self, update):
            self.value = self.rule.addInPlace(self.value or self.rule.zero(None), update)

    descriptions = Accumulator()
    passed = list(tasks.described(descriptions, 1, iter(blocks)))
    assert all(a is b for a, b in zip(passed, blocks)) and len(passed) == len(blocks)
    list(tasks.described(descriptions, 1, iter(blocks)))  # the same task run again
    list(tasks.described(descriptions, 0, iter([(None, "row 3 is bad")])))
    assert sorted(descriptions.value) == [0, 1]
    assert [d["rows"] for d in descriptions.value[1]] == [7, 23, 20]
    assert descriptions.value[0] == [{"partition": 0, "problem": "row 3 is bad"}]
