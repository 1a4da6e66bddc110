// The README's Next.js set-up: @auth0/nextjs-auth0 v4, configured from the environment (AUTH0_DOMAIN,
// AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET, AUTH0_SECRET, APP_BASE_URL). AUTH0_DOMAIN is the emulator's URL,
// http://localhost:4000: the SDK takes a scheme and a port only with allowInsecureRequests.
import { Auth0Client } from '@auth0/nextjs-auth0/server';

export const auth0 = new Auth0Client({ allowInsecureRequests: process.env.NODE_ENV !== 'production' });
