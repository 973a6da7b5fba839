"""Random search over network configurations: :mod:`learninspy.training.search`, under the
module path of learninspy 0.1's API."""

from learninspy.training.search import (RandomSearch, SearchResults, check_domain,  # noqa: F401
                                        network_domain, train_candidate)

__all__ = ["network_domain", "RandomSearch", "SearchResults", "check_domain"]
