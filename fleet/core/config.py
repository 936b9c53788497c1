"""The fleet core's tunables, in one frozen value.

Every timer and threshold the decisions use lives here so a site can set them in
one place and tests can shorten them. Times are seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class HandoffEscalation(StrEnum):
    """What happens when nobody takes the items at the drop-off in time."""

    #: Take the items back to the sender; the job ends failed on their confirm.
    RETURN_TO_SENDER = "return_to_sender"
    #: Keep waiting and alert an operator.
    ALERT_OPERATOR = "alert_operator"


@dataclass(frozen=True, slots=True)
class CoreConfig:
    """Timers, limits and service times of :class:`fleet.core.engine.FleetCore`."""

    #: A re-plan waits this long after a change, so a burst makes one re-plan.
    replan_debounce_s: float = 2.0
    #: A robot silent for this long is offline: its jobs are released.
    robot_offline_timeout_s: float = 30.0
    #: How long a robot waits at the drop-off for the recipient.
    handoff_wait_s: float = 300.0
    #: Wrong PINs allowed before the hand-off locks.
    pin_attempts: int = 3
    handoff_escalation: HandoffEscalation = HandoffEscalation.RETURN_TO_SENDER
    #: State of charge a robot keeps in reserve (planned routes stay above it).
    battery_reserve_soc: float = 0.15
    #: Fraction of a full battery spent per metre driven (for the planner).
    battery_drain_per_m: float = 0.0
    #: Planned service times at each end of a job.
    pickup_service_s: float = 60.0
    dropoff_service_s: float = 60.0
    #: A guided person walks this many times slower than the robot drives.
    guidance_walking_factor: float = 1.6
    #: Time limit the service gives the planner.
    planner_time_limit_s: float = 2.0
    #: ETA changes smaller than this are not written to the audit trail.
    eta_audit_threshold_s: float = 60.0
    #: An idle robot with nothing planned goes to charge below this.
    idle_charge_below_soc: float = 0.5
    #: A charging robot at or above this state of charge is ready again.
    charged_soc: float = 0.95
    #: State of charge a docked robot gains per second (for the planner: when a
    #: charging robot will be free, how long a planned charge lasts).
    battery_charge_per_s: float = 1.0 / 3600.0
    #: A robot waiting this long for a lift car or a door raises an alert.
    resource_wait_alert_s: float = 180.0
    #: Finished jobs stay in the core's memory this long (the store keeps them).
    finished_job_retention_s: float = 3600.0
    #: A planner snapshot takes jobs still waiting for a robot (the most urgent,
    #: then the oldest) until it holds this many open jobs; the rest wait.
    planner_max_waiting_jobs: int = 500

    def __post_init__(self) -> None:
        positive = {
            "replan_debounce_s": self.replan_debounce_s >= 0,
            "robot_offline_timeout_s": self.robot_offline_timeout_s > 0,
            "handoff_wait_s": self.handoff_wait_s > 0,
            "pin_attempts": self.pin_attempts >= 1,
            "planner_max_waiting_jobs": self.planner_max_waiting_jobs >= 1,
            "guidance_walking_factor": self.guidance_walking_factor >= 1,
            "planner_time_limit_s": self.planner_time_limit_s > 0,
            "battery_reserve_soc": 0 <= self.battery_reserve_soc < 1,
            "battery_charge_per_s": self.battery_charge_per_s > 0,
        }
        for name, ok in positive.items():
            if not ok:
                raise ValueError(f"CoreConfig.{name} = {getattr(self, name)!r}")
