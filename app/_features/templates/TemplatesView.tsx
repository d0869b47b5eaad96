'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { ErrorMessage, Loading } from '../../_components/PageState.tsx';
import { StatusBadge } from '../../_components/StatusBadge.tsx';
import { formatDateTime } from '../../_components/format.ts';
import { graphqlRequest } from '../../_components/graphql-client.ts';
import { useGraphQLQuery } from '../../_components/use-graphql-query.ts';
import { PARAM_FIELDS, formatField, parseField, type ParamField } from './params-fields.ts';
import { START_TEMPLATE_MUTATION, TEMPLATES_PAGE_QUERY, type TemplateData, type TemplateRunRow, type TemplatesPageData } from './template-query.ts';
import './templates.css';

/** Lists the experiment templates with a start button each, and the study's template runs. */
export function TemplatesView({ studyId }: { studyId: string }) {
  const { data, error, loading } = useGraphQLQuery<TemplatesPageData>(TEMPLATES_PAGE_QUERY, { id: studyId });

  if (error) return <ErrorMessage error={error} what="the templates" />;
  if (!data) return loading ? <Loading what="the templates" /> : null;
  if (!data.study) return <p className="empty">Study {studyId} was not found.</p>;

  const { study } = data;
  const canEdit = study.role === 'OWNER' || study.role === 'EDITOR';
  const runs = study.templateRuns.edges.map((edge) => edge.node);

  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/">Studies</Link> <span aria-hidden="true">/</span> <Link href={`/studies/${study.id}`}>{study.name}</Link>{' '}
        <span aria-hidden="true">/</span> Templates
      </nav>
      <div className="page-title">
        <div>
          <h1>Experiment templates</h1>
          <p className="muted">
            Each template starts the experiments of one study of the robustness paper and reports its finding with numbers and charts.
            {canEdit ? '' : ' Your role is viewer, so you can read runs but not start them.'}
          </p>
        </div>
      </div>
      <div className="template-grid">
        {data.templates.map((template) => (
          <TemplateCard key={template.kind} studyId={studyId} template={template} canEdit={canEdit} />
        ))}
      </div>
      <h2>Template runs</h2>
      {runs.length === 0 ? <p className="empty">No template runs yet.</p> : <TemplateRunsTable studyId={studyId} runs={runs} />}
    </>
  );
}

function TemplateCard({ studyId, template, canEdit }: { studyId: string; template: TemplateData; canEdit: boolean }) {
  const router = useRouter();
  const [editing, setEditing] = useState(false);
  const [paramsText, setParamsText] = useState(() => JSON.stringify(template.defaultParams, null, 2));
  const fields = PARAM_FIELDS[template.kind] ?? [];
  const [drafts, setDrafts] = useState(() => draftsOf(fields, template.defaultParams));
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const titleId = `template-${template.kind.toLowerCase()}`;
  let startLabel = editing ? 'Start with these params' : 'Start with defaults';
  if (starting) startLabel = 'Starting…';

  const start = async () => {
    let params: unknown = {};
    if (editing) {
      try {
        params = JSON.parse(paramsText);
      } catch (parseError) {
        setError(`Invalid params JSON: ${(parseError as Error).message}`);
        return;
      }
    }
    setStarting(true);
    setError(null);
    try {
      const result = await graphqlRequest<{ startTemplate: { id: string } }>(START_TEMPLATE_MUTATION, { studyId, template: template.kind, params });
      router.push(`/studies/${studyId}/templates/${result.startTemplate.id}`);
    } catch (startError) {
      setError((startError as Error).message);
      setStarting(false);
    }
  };

  return (
    <section className="card template-card" aria-labelledby={titleId}>
      <h3 id={titleId}>{template.title}</h3>
      <p className="muted">{template.description}</p>
      {editing && (
        <>
          <div className="field-grid">
            {fields.map((field) => (
              <ParamInput
                key={field.key}
                field={field}
                text={drafts[field.key] ?? ''}
                onChange={(text) => {
                  setDrafts({ ...drafts, [field.key]: text });
                  const updated = withField(paramsText, field, text);
                  if (updated !== null) setParamsText(updated);
                }}
              />
            ))}
          </div>
          <div className="field">
            <label htmlFor={`${titleId}-params`}>Params (JSON; omitted fields take their defaults)</label>
            <textarea
              id={`${titleId}-params`}
              className="template-params"
              rows={12}
              value={paramsText}
              spellCheck={false}
              onChange={(event) => {
                setParamsText(event.target.value);
                const parsed = parseObject(event.target.value);
                if (parsed) setDrafts(draftsOf(fields, parsed));
              }}
            />
          </div>
        </>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {canEdit && (
        <div className="form-actions">
          <button type="button" className="button button-primary" onClick={() => void start()} disabled={starting} aria-label={`Start ${template.title}`}>
            {startLabel}
          </button>
          <button type="button" className="button button-quiet" onClick={() => setEditing(!editing)}>
            {editing ? 'Hide params' : 'Edit params'}
          </button>
        </div>
      )}
    </section>
  );
}

function ParamInput({ field, text, onChange }: { field: ParamField; text: string; onChange: (text: string) => void }) {
  return (
    <label className="field">
      <span>{field.label}</span>
      {field.type === 'select' ? (
        <select value={text} onChange={(event) => onChange(event.target.value)}>
          {(field.options ?? []).map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      ) : (
        <input value={text} inputMode={field.type === 'text' ? 'text' : 'decimal'} onChange={(event) => onChange(event.target.value)} />
      )}
      {field.hint && <span className="hint">{field.hint}</span>}
    </label>
  );
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function draftsOf(fields: ParamField[], params: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(fields.map((field) => [field.key, formatField(field, params[field.key])]));
}

/** Returns the params JSON with one field set from its text, or null when the JSON or the text does not parse. */
function withField(paramsText: string, field: ParamField, text: string): string | null {
  const params = parseObject(paramsText);
  const value = parseField(field, text);
  if (!params || value === undefined) return null;
  return JSON.stringify({ ...params, [field.key]: value }, null, 2);
}

function TemplateRunsTable({ studyId, runs }: { studyId: string; runs: TemplateRunRow[] }) {
  return (
    <div className="card table-wrap">
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col">Template</th>
            <th scope="col">Status</th>
            <th scope="col">Progress</th>
            <th scope="col">Started</th>
            <th scope="col">Ended</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id}>
              <td>
                <Link href={`/studies/${studyId}/templates/${run.id}`}>{run.name}</Link>
              </td>
              <td>{run.title}</td>
              <td>
                <StatusBadge status={run.status} />
              </td>
              <td>{Math.round(run.fraction * 100)}%</td>
              <td>{formatDateTime(run.createdAt)}</td>
              <td>{formatDateTime(run.finishedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
