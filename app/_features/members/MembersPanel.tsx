'use client';

import { useState, type FormEvent } from 'react';
import { graphqlRequest } from '../../_components/graphql-client.ts';
import { ErrorMessage, Loading } from '../../_components/PageState.tsx';
import { useSession } from '../../_components/session.tsx';
import { useGraphQLQuery } from '../../_components/use-graphql-query.ts';

const MEMBERS_QUERY = /* GraphQL */ `
  query StudyMembers($id: ID!) {
    study(id: $id) { id role members(first: 1000) { totalCount edges { node { role user { id email name } } } } }
  }
`;
const INVITE_MUTATION = /* GraphQL */ `
  mutation InviteMember($studyId: ID!, $email: String!, $role: StudyRole!) {
    inviteMember(studyId: $studyId, email: $email, role: $role) { role }
  }
`;
const CHANGE_ROLE_MUTATION = /* GraphQL */ `
  mutation ChangeMemberRole($studyId: ID!, $userId: ID!, $role: StudyRole!) {
    changeMemberRole(studyId: $studyId, userId: $userId, role: $role) { role }
  }
`;
const REMOVE_MUTATION = /* GraphQL */ `
  mutation RemoveMember($studyId: ID!, $userId: ID!) { removeMember(studyId: $studyId, userId: $userId) }
`;

type Role = 'OWNER' | 'EDITOR' | 'VIEWER';
type Member = { role: Role; user: { id: string; email: string; name: string } };
// A study has at most 1000 members (MAX_MEMBERS_PER_STUDY), so one page of 1000 contains them all.
type MembersData = { study: { id: string; role: Role; members: { totalCount: number; edges: { node: Member }[] } } | null };

const ROLES: { value: Role; label: string }[] = [
  { value: 'OWNER', label: 'Owner' },
  { value: 'EDITOR', label: 'Editor' },
  { value: 'VIEWER', label: 'Viewer' },
];

/** Members of a study with their roles; owners invite, change roles and remove, any member may leave. */
export function MembersPanel({ studyId }: { studyId: string }) {
  const { user } = useSession();
  const { data, error, loading, refetch } = useGraphQLQuery<MembersData>(MEMBERS_QUERY, { id: studyId });
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('VIEWER');
  const [actionError, setActionError] = useState<string | null>(null);

  async function act(what: string, mutation: string, variables: Record<string, unknown>) {
    setActionError(null);
    try {
      await graphqlRequest(mutation, { studyId, ...variables });
      await refetch();
      return true;
    } catch (caught) {
      setActionError(`${what} failed: ${(caught as Error).message}`);
      return false;
    }
  }

  async function handleInvite(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (await act('Inviting', INVITE_MUTATION, { email, role })) setEmail('');
  }

  if (error) return <ErrorMessage error={error} what="the members" />;
  if (!data?.study) return loading ? <Loading what="the members" /> : null;
  const isOwner = data.study.role === 'OWNER';

  return (
    <section className="card" aria-labelledby="members-heading">
      <h2 id="members-heading">Members</h2>
      <div className="table-wrap">
        <table className="data-table">
          <thead>
            <tr><th>Name</th><th>Email</th><th>Role</th><th /></tr>
          </thead>
          <tbody>
            {data.study.members.edges.map(({ node: member }) => {
              const isSelf = member.user.id === user?.id;
              return (
                <tr key={member.user.id}>
                  <td>{member.user.name}</td>
                  <td>{member.user.email}</td>
                  <td>
                    {isOwner ? (
                      <select
                        aria-label={`Role of ${member.user.email}`}
                        value={member.role}
                        onChange={(e) => void act('Changing the role', CHANGE_ROLE_MUTATION, { userId: member.user.id, role: e.target.value })}
                      >
                        {ROLES.map((option) => <option key={option.value} value={option.value}>{option.label}</option>)}
                      </select>
                    ) : (
                      ROLES.find((option) => option.value === member.role)?.label
                    )}
                  </td>
                  <td>
                    {(isOwner || isSelf) && (
                      <button
                        type="button"
                        className="button button-small button-quiet"
                        onClick={() => void act(isSelf ? 'Leaving' : 'Removing', REMOVE_MUTATION, { userId: member.user.id })}
                      >
                        {isSelf ? 'Leave' : 'Remove'}
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {actionError && <p role="alert" className="error-text">{actionError}</p>}
      {isOwner && (
        <form onSubmit={handleInvite} className="field-grid" aria-label="Invite member">
          <label className="field">
            <span>Email of an existing user</span>
            <input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
          </label>
          <label className="field">
            <span>Role</span>
            <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
              {ROLES.map((option) => <option key={option.value} value={option.value}>{option.label}</option>)}
            </select>
          </label>
          <div className="form-actions">
            <button type="submit" className="button button-primary">Invite</button>
          </div>
        </form>
      )}
    </section>
  );
}
