import { createRouter } from '../../lib/router';
import { registerLogin } from './login';
import { registerMe } from './me';
import { registerRegister } from './register';

export function authRouter() {
  const router = createRouter();
  registerRegister(router);
  registerLogin(router);
  registerMe(router);
  return router;
}
