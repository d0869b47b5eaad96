'use client';

import { useState, type FormEvent } from 'react';
import { graphqlRequest } from '../../_components/graphql-client.ts';
import { ErrorMessage, Loading } from '../../_components/PageState.tsx';
import { useGraphQLQuery } from '../../_components/use-graphql-query.ts';

const TOKENS_QUERY = /* GraphQL */ `
  query ApiTokens {
    apiTokens(first: 100) {
      totalCount
      edges { node { id name prefix scope createdAt lastUsedAt revokedAt } }
    }
  }
`;
const CREATE_TOKEN_MUTATION = /* GraphQL */ `
  mutation CreateApiToken($name: String!, $scope: ApiTokenScope!) {
    createApiToken(name: $name, scope: $scope) { secret token { id } }
  }
`;
const REVOKE_TOKEN_MUTATION = /* GraphQL */ `
  mutation RevokeApiToken($id: ID!) { revokeApiToken(id: $id) { id revokedAt } }
`;

type Token = { id: string; name: string; prefix: string; scope: 'READ' | 'READ_WRITE'; createdAt: string; lastUsedAt: string | null; revokedAt: string | null };
type TokensData = { apiTokens: { totalCount: number; edges: { node: Token }[] } };

function formatTime(value: string | null): string {
  return value ? new Date(value).toLocaleString() : '—';
}

/** Lists the user's API tokens, creates one (showing its secret once) and revokes them. */
export function ApiTokens() {
  const { data, error, loading, refetch } = useGraphQLQuery<TokensData>(TOKENS_QUERY, {});
  const [name, setName] = useState('');
  const [scope, setScope] = useState<'READ' | 'READ_WRITE'>('READ');
  const [secret, setSecret] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);

  async function handleCreate(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setActionError(null);
    try {
      const result = await graphqlRequest<{ createApiToken: { secret: string } }>(CREATE_TOKEN_MUTATION, { name, scope });
      setSecret(result.createApiToken.secret);
      setName('');
      await refetch();
    } catch (caught) {
      setActionError(`Creating the token failed: ${(caught as Error).message}`);
    }
  }

  async function handleRevoke(token: Token) {
    if (!window.confirm(`Revoke token "${token.name}"? Scripts that use it stop working.`)) return;
    setActionError(null);
    try {
      await graphqlRequest(REVOKE_TOKEN_MUTATION, { id: token.id });
      await refetch();
    } catch (caught) {
      setActionError(`Revoking the token failed: ${(caught as Error).message}`);
    }
  }

  if (error) return <ErrorMessage error={error} what="your API tokens" />;
  if (!data) return loading ? <Loading what="your API tokens" /> : null;
  const tokens = data.apiTokens.edges.map((edge) => edge.node);

  return (
    <section className="card">
      <h2>API tokens</h2>
      <p className="muted small">
        Scripts send a token as <code>Authorization: Bearer &lt;token&gt;</code>. A read token may run queries only; a read-write
        token may also run mutations your study roles allow.
      </p>
      <form onSubmit={handleCreate} className="field-grid" aria-label="New API token">
        <label className="field">
          <span>Token name</span>
          <input required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} placeholder="nightly export" />
        </label>
        <label className="field">
          <span>Scope</span>
          <select value={scope} onChange={(e) => setScope(e.target.value as 'READ' | 'READ_WRITE')}>
            <option value="READ">Read</option>
            <option value="READ_WRITE">Read and write</option>
          </select>
        </label>
        <div className="form-actions">
          <button type="submit" className="button button-primary">Create token</button>
        </div>
      </form>
      {secret && (
        <div className="notice" role="status">
          <p>Copy the new token now; it is not shown again:</p>
          <code aria-label="New token secret">{secret}</code>
        </div>
      )}
      {actionError && <p role="alert" className="error-text">{actionError}</p>}
      {tokens.length === 0 ? (
        <p className="empty">No API tokens yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table">
            <thead>
              <tr><th>Name</th><th>Token</th><th>Scope</th><th>Created</th><th>Last used</th><th>Status</th><th /></tr>
            </thead>
            <tbody>
              {tokens.map((token) => (
                <tr key={token.id}>
                  <td>{token.name}</td>
                  <td><code>{token.prefix}…</code></td>
                  <td>{token.scope === 'READ' ? 'Read' : 'Read and write'}</td>
                  <td>{formatTime(token.createdAt)}</td>
                  <td>{formatTime(token.lastUsedAt)}</td>
                  <td>{token.revokedAt ? `Revoked ${formatTime(token.revokedAt)}` : 'Active'}</td>
                  <td>
                    {!token.revokedAt && (
                      <button type="button" className="button button-small button-danger" onClick={() => handleRevoke(token)}>
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
