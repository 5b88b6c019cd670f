import { Controller, Get, UseGuards } from '@nestjs/common';
import { InternalAuthGuard, success } from '@bp/platform';
import { ListJobsQuery } from '../application/list-jobs.query.js';

/** The periodic jobs' state for the gateway's /health/booking and operators; counts and times only. */
@Controller('internal/jobs')
@UseGuards(InternalAuthGuard)
export class JobsController {
  constructor(private readonly jobs: ListJobsQuery) {}

  @Get()
  async list() {
    return success({ jobs: await this.jobs.execute() });
  }
}
