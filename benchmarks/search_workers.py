"""A random search with one and with two worker processes: wall time and equal results."""

import time


def run(quick=False):
    from learninspy.core.model import NetworkParameters, NeuralNetwork
    from learninspy.core.optimization import OptimizerParameters
    from learninspy.core.search import RandomSearch
    from learninspy.core.stops import criterion
    from learninspy.utils.data import make_spiral, split_data
    train, valid, test = split_data(make_spiral(300, 3, seed=123), [0.6, 0.2, 0.2], seed=123,
                                    balanced=True)
    template = NetworkParameters([2, 100, 3], activation=True, dropout_ratios=False,
                                 strength_l1=False, strength_l2=True)
    candidates, iterations = (4, 100) if quick else (8, 200)
    options = dict(mini_batch=32, parallelism=1, valid_iters=10, reproducible=True,
                   stops=[criterion["MaxIterations"](iterations)],
                   optimizer_params=OptimizerParameters(
                       "Adam", {"step-rate": 0.02}, merge_criter="avg", sampling="fresh",
                       keep_state=True, stops=[criterion["MaxIterations"](10)]))
    seconds, tables = {}, {}
    for workers in (1, 2):
        search = RandomSearch(template, n_layers=0, n_iter=candidates, seed=123)
        started = time.perf_counter()
        search.fit(NeuralNetwork, train, valid, test, workers=workers, **options)
        seconds[workers] = time.perf_counter() - started
        tables[workers] = [{k: v for k, v in row.items() if k != "seconds"}
                           for row in search.results]
    return {"candidates": candidates, "iterations": iterations, "seconds": seconds,
            "same_table": tables[1] == tables[2]}
