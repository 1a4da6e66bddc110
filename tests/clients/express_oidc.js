// The Express quickstart of express-openid-connect with its default configuration (response_type
// id_token, response_mode form_post), against the issuer in ISSUER. Prints {"port"} once listening.
const express = require('express');
const { auth, requiresAuth } = require('express-openid-connect');

const app = express();
app.use(auth({
  issuerBaseURL: process.env.ISSUER,
  baseURL: process.env.BASE_URL,
  clientID: process.env.CLIENT_ID,
  secret: 'a long, randomly-generated string stored in env',
  authRequired: false,
}));
app.get('/', (req, res) => res.json({ authenticated: req.oidc.isAuthenticated() }));
app.get('/profile', requiresAuth(), (req, res) => res.json({ user: req.oidc.user, claims: req.oidc.idTokenClaims }));
app.use((err, req, res, next) => res.status(500).json({ error: err.message }));
const server = app.listen(Number(process.env.PORT), 'localhost', () => {
  console.log(JSON.stringify({ port: server.address().port }));
});
