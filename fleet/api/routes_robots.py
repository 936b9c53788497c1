"""``/api/v1/robots``: the fleet, and the operator's controls."""

from __future__ import annotations

from fastapi import APIRouter

from fleet.api.auth import CurrentPrincipal
from fleet.api.deps import CurrentService
from fleet.api.schemas import ErrorOut, RobotOut

router = APIRouter(
    prefix="/api/v1/robots",
    tags=["robots"],
    responses={code: {"model": ErrorOut} for code in (401, 403, 404, 409, 503)},
)


@router.get("", response_model=list[RobotOut])
async def list_robots(_: CurrentPrincipal, service: CurrentService) -> list[RobotOut]:
    """Every robot: where it is, its battery and state."""
    return [RobotOut.of(robot) for robot in service.robots()]


@router.get("/{robot_id}", response_model=RobotOut)
async def get_robot(
    robot_id: str, _: CurrentPrincipal, service: CurrentService
) -> RobotOut:
    return RobotOut.of(service.robot(robot_id))


def _action(path: str, method: str, summary: str) -> None:
    async def act(
        robot_id: str, principal: CurrentPrincipal, service: CurrentService
    ) -> RobotOut:
        return RobotOut.of(await service.robot_action(method, robot_id, principal))

    act.__name__ = method
    router.add_api_route(
        f"/{{robot_id}}/{path}",
        act,
        methods=["POST"],
        response_model=RobotOut,
        summary=summary,
    )


for _path, _method, _summary in (
    ("pause", "pause_robot", "Pause a robot where it stands (operators)"),
    ("resume", "resume_robot", "Resume a paused robot (operators)"),
    ("send-to-charger", "send_to_charger", "Send a robot to charge (operators)"),
    (
        "take-out-of-service",
        "take_out_of_service",
        "Take a robot out of service; its jobs are re-planned (operators)",
    ),
    ("return-to-service", "return_to_service", "Return a robot to service"),
):
    _action(_path, _method, _summary)
