// A real OpenID provider for Lemniscate's tests (the npm package oidc-provider), with its own
// development login and consent pages (devInteractions: any password is accepted, the login
// name picks the account below). Started by tests/support/oidc_provider.py:
//
//   node provider.js PORT REDIRECT_URI CLIENT_SECRET
//
// It prints "ready <issuer>" once it listens, and runs until it is stopped.
import Provider from 'oidc-provider';

const [port, redirectUri, clientSecret] = process.argv.slice(2);
if (!port || !redirectUri || !clientSecret) {
  console.error('usage: node provider.js PORT REDIRECT_URI CLIENT_SECRET');
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;

// The people of the tests: one of each role Lemniscate knows, one with a role as Entra ID
// gives it (a list), and one the organisation gave no role in Lemniscate.
const ACCOUNTS = {
  anna: { name: 'Anna Coordinator', email: 'anna@office.example', lemniscate_role: 'coordinator' },
  piet: { name: 'Piet de Vries', email: 'piet@aedes.example', lemniscate_role: 'partner', organisation: 'Aedes' },
  ria: { name: 'Ria Jansen', email: 'ria@actiz.example', lemniscate_role: ['partner'], organisation: 'ActiZ' },
  els: { name: 'Els Auditor', email: 'els@audit.example', lemniscate_role: 'auditor' },
  kees: { name: 'Kees Zonder Rol', email: 'kees@aedes.example', organisation: 'Aedes' },
  root: { name: 'Would Be System', email: 'root@office.example', lemniscate_role: 'system' },
};

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: 'lemniscate',
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  // Role and organisation come with the profile, as a Keycloak mapper on a default client
  // scope gives them, so the scopes Lemniscate asks for (openid profile email) carry them.
  scopes: ['openid', 'profile', 'email'],
  claims: {
    openid: ['sub'],
    profile: ['name', 'lemniscate_role', 'organisation'],
    email: ['email'],
  },
  // Put the scopes' claims in the ID token itself, as Entra ID and Keycloak do by default.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['lemniscate-test-provider-cookie-key'] },
  async findAccount(ctx, id) {
    const account = ACCOUNTS[id];
    if (!account) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...account }) };
  },
});

provider.listen(Number(port), '127.0.0.1', () => {
  console.log(`ready ${issuer}`);
});
