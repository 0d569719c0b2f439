"""Async work: delayed polling with SQS or Step Functions, and a worker fleet scaled by its queue."""

from .cost import EngineCost, estimate_monthly_cost
from .polling_worker import PollingWorker
from .worker_fleet import QueueWorkerFleet

__all__ = ["EngineCost", "PollingWorker", "QueueWorkerFleet", "estimate_monthly_cost"]
