"""shareplan: find, appraise and prioritise shared-service opportunities for UK public bodies."""

__version__ = "0.1.0"
