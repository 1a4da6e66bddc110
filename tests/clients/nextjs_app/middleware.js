// Mounts the SDK's routes (/auth/login, /auth/callback, /auth/logout, /auth/profile) and rolls the session.
import { auth0 } from './lib/auth0';

export async function middleware(request) {
  return await auth0.middleware(request);
}

export const config = {
  matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'],
};
