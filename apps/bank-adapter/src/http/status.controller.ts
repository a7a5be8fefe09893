import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '@custody/service-kit';
import { ADAPTER_STATUS, type AdapterStatus, type AdapterStatusSource } from './adapter-status';

/**
 * `GET /status`: this adapter's sessions and breaker. Public like `/health`: the adapter's port is
 * internal (the ingress does not route to it), the data holds no secret, and the public `/v1/banks`
 * that will aggregate it enforces roles at its own edge.
 */
@ApiTags('bank-adapter')
@Controller()
export class StatusController {
  constructor(@Inject(ADAPTER_STATUS) private readonly source: AdapterStatusSource) {}

  @Public()
  @Get('status')
  status(): AdapterStatus {
    return this.source.status();
  }
}
