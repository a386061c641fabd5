import type { Hono } from 'hono';
import type { AppBindings } from '../../context';
import { requireSession } from '../session';
import { renderTaskPage } from './task-page';

export function registerTaskPage(web: Hono<AppBindings>) {
  web.get('/tasks/:id', requireSession, (c) => renderTaskPage(c, c.req.param('id')));
}
