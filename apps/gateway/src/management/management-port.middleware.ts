import { Injectable, NestMiddleware } from '@nestjs/common';
import { problem } from '@gateway/contracts';
import type { NextFunction, Request, Response } from 'express';
import { arrivedOnManagementPort, isManagementPath } from './management-routes';

/**
 * With MANAGEMENT_PORT set: /metrics and the probes only on the management port, everything else
 * only on the public one. What is served on the other port answers as an unknown route does.
 */
@Injectable()
export class ManagementPortMiddleware implements NestMiddleware {
  use(req: Request, _res: Response, next: NextFunction): void {
    if (arrivedOnManagementPort(req) !== isManagementPath(req.path)) {
      throw problem('not_found', 'nothing is served at this path on this port');
    }
    next();
  }
}
