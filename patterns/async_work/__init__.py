"""Async work: delayed polling with SQS (a Lambda consumer or an Elastic Beanstalk worker tier) or Step
Functions, and a worker fleet scaled by its queue."""

from .beanstalk_worker import BeanstalkWorker
from .cost import EngineCost, estimate_monthly_cost
from .polling_worker import PollingWorker
from .worker_fleet import QueueWorkerFleet

__all__ = ["BeanstalkWorker", "EngineCost", "PollingWorker", "QueueWorkerFleet", "estimate_monthly_cost"]
