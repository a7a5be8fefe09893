import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, type HealthIndicatorFunction } from '@nestjs/terminus';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from './auth';

export const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');

/** `GET /health`: each service lists what it depends on (database, Kafka, bank sessions). */
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
  check() {
    return this.health.check(this.checks);
  }
}
