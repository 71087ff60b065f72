"""d2lnotes: the small helper package behind the d2lnotes notebooks.

Only reused machinery lives here (data, loops, plots, checks); each lesson's
own code stays visible in its notebook.
"""

from .batched import (
    BatchedLinear,
    BatchedMLP,
    degree_masks,
    stack_datasets,
    per_model_accuracy,
    per_model_cross_entropy,
    per_model_mse,
)
from .loaders import ArrayLoader, load_array, minibatches, random_minibatches
from .closed_form import least_squares
from .d2l_adapter import adapt_d2l
from .datasets import DatasetError, FashionMNIST, load_fashion_mnist
from .early_stopping import EarlyStopping
from .exercises import ExerciseFeedback, check_answer, check_choice
from .gradcheck import GradReport, Step, check_gradients, run_steps
from .history import History
from .i18n import translate
from .kfold import CVResult, cross_validate, kfold_indices, standardizer
from .monitor import LayerMonitor, LayerStats, probe_layers
from .plotting import (
    plot_bands,
    plot_history,
    plot_layer_histograms,
    plot_layer_stats,
)
from .progress import progress_bar
from .regularization import l2_penalty
from .runtime import notebook_setup
from .splits import train_val_split
from .streams import stream, stream_seed
from .synthetic import (
    CUBIC_COEFFS,
    PolynomialData,
    make_polynomial_data,
    polynomial_features,
    synthetic_data,
)
from .training import evaluate_accuracy, evaluate_loss, gradient_steps, train

__version__ = "0.1.0"

__all__ = [
    "adapt_d2l",
    "CUBIC_COEFFS",
    "DatasetError",
    "EarlyStopping",
    "FashionMNIST",
    "GradReport",
    "CVResult",
    "ArrayLoader",
    "BatchedLinear",
    "BatchedMLP",
    "ExerciseFeedback",
    "History",
    "LayerMonitor",
    "LayerStats",
    "PolynomialData",
    "check_answer",
    "check_gradients",
    "check_choice",
    "cross_validate",
    "degree_masks",
    "evaluate_accuracy",
    "evaluate_loss",
    "gradient_steps",
    "kfold_indices",
    "l2_penalty",
    "least_squares",
    "load_fashion_mnist",
    "load_array",
    "make_polynomial_data",
    "minibatches",
    "notebook_setup",
    "translate",
    "per_model_accuracy",
    "per_model_cross_entropy",
    "per_model_mse",
    "plot_bands",
    "plot_history",
    "plot_layer_histograms",
    "plot_layer_stats",
    "polynomial_features",
    "probe_layers",
    "progress_bar",
    "random_minibatches",
    "run_steps",
    "stack_datasets",
    "stream",
    "stream_seed",
    "Step",
    "standardizer",
    "synthetic_data",
    "train",
    "train_val_split",
]
