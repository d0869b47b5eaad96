/**
 * Load generator of bench/api-latency.ts, run in a child process so that
 * sending requests and parsing the responses of 20 clients does not take
 * turns on the server's event loop. Each client sends its next request when
 * the previous response has arrived, cycling through the pages.
 */

/** One dashboard query with its variables and the label the server records its time under. */
export type BenchPage = { name: string; query: string; variables: Record<string, unknown> };

/** Input of the client process: where to send, with which credential, and how many requests. */
export type ClientsInput = { endpoint: string; token: string; pages: BenchPage[]; clients: number; rounds: number };

/** Client-side latencies in ms, from sending a request to the parsed response, by page name. */
export type ClientTimes = Record<string, number[]>;

/** Sends one query, raises when the response carries GraphQL errors, and returns the client-side latency in ms. */
export async function sendPage(endpoint: string, token: string, page: BenchPage): Promise<number> {
  const started = performance.now();
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-bench-label': page.name },
    body: JSON.stringify({ query: page.query, variables: page.variables }),
  });
  const body = (await response.json()) as { errors?: { message: string }[] };
  if (body.errors) throw new Error(`${page.name} failed: ${body.errors.map((error) => error.message).join('; ')}`);
  return performance.now() - started;
}

/** Runs `clients` closed-loop clients of `rounds` requests each; client c starts at page c. */
export async function runClients({ endpoint, token, pages, clients, rounds }: ClientsInput): Promise<ClientTimes> {
  const times: ClientTimes = {};
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let round = 0; round < rounds; round++) {
        const page = pages[(client + round) % pages.length];
        const ms = await sendPage(endpoint, token, page);
        (times[page.name] ??= []).push(ms);
      }
    }),
  );
  return times;
}

// Started by bench/api-latency.ts with fork(): one message in, one message out.
if (process.send) {
  process.once('message', (input: ClientsInput) => {
    const before = process.cpuUsage();
    runClients(input).then(
      (times) => {
        const usage = process.cpuUsage(before);
        process.send!({ ok: true, times, cpuMs: (usage.user + usage.system) / 1000 });
      },
      (error: unknown) => process.send!({ ok: false, message: error instanceof Error ? error.message : String(error) }),
    );
  });
}
