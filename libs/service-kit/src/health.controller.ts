import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, type HealthCheckResult, type HealthCheckStatus, type HealthIndicatorFunction } from '@nestjs/terminus';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from './auth';

export const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');

/** What `GET /health` answers: terminus's result, with `degraded` when an indicator marks itself so. */
export type HealthReport = Omit<HealthCheckResult, 'status'> & { status: HealthCheckStatus | 'degraded' };

/**
 * `GET /health`, for readiness and monitoring; each service lists what it depends on (database, Kafka
 * consumers, bank sessions):
 * - 200 `ok`: everything answers.
 * - 200 `degraded`: the service serves, but something needs an operator; an indicator reporting
 *   `degraded: true` says what (e.g. `consumers.stuck`: a partition held by one message). Still ready
 *   on purpose: neither taking the pod out of service nor restarting it frees the message (whoever owns
 *   the partition next meets the same one), so monitoring alerts on `degraded` instead.
 * - 5xx: a dependency check failed (the database).
 *
 * `GET /health/live`, for liveness: the process answers HTTP. Nothing that a restart cannot cure (a
 * stuck message, the database away) makes it fail, so Kubernetes never restarts a pod in a loop for it.
 */
@ApiExcludeController()
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    @Inject(HEALTH_CHECKS) private readonly checks: HealthIndicatorFunction[],
  ) {}

  @Public()
  @Get('health')
  @HealthCheck()
  async check(): Promise<HealthReport> {
    const result = await this.health.check(this.checks);
    const degraded = Object.values(result.details).some((detail) => detail['degraded'] === true);
    return result.status === 'ok' && degraded ? { ...result, status: 'degraded' } : result;
  }

  @Public()
  @Get('health/live')
  @HealthCheck()
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
