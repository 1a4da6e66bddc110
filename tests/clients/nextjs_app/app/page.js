// The home page: who is logged in, from the session the SDK keeps in its cookie.
import { auth0 } from '../lib/auth0';

export const dynamic = 'force-dynamic';

export default async function Home() {
  const session = await auth0.getSession();
  if (!session) return <p id="out">{JSON.stringify({ loggedIn: false })}</p>;
  return <p id="out">{JSON.stringify({ loggedIn: true, email: session.user.email, sid: session.user.sid ?? null,
    hasAccessToken: Boolean(session.tokenSet?.accessToken) })}</p>;
}
