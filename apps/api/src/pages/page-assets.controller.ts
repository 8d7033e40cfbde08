/** Serves the pages' style sheet and scripts from the fixed list in PageAssets, nothing else. */
import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { PageResponder } from './page-responder.js';

@Controller('assets/pages')
export class PageAssetsController {
  constructor(private readonly responder: PageResponder) {}

  @Get(':name')
  serve(@Param('name') name: string, @Query('v') version: unknown, @Res() res: Response): void {
    const asset = this.responder.assets.get(name);
    if (asset === undefined) {
      res.status(404).set({ 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' }).send('Not found');
      return;
    }
    // A URL naming this exact content may be cached for good; any other is checked every time.
    const cache = version === asset.hash ? 'public, max-age=31536000, immutable' : 'no-cache';
    res.status(200).set({ 'Content-Type': asset.contentType, 'Cache-Control': cache, 'X-Content-Type-Options': 'nosniff' }).send(asset.body);
  }
}
