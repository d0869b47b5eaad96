/** The workers query of the dashboard and the types of its result. */

export const WORKERS_QUERY = /* GraphQL */ `
  query Workers($endedWithinHours: Int) {
    workers(endedWithinHours: $endedWithinHours) {
      id
      name
      host
      pid
      slot
      backend
      tfjsVersion
      state
      startedAt
      lastHeartbeatAt
      heartbeatIntervalMs
      endedAt
      trainingCount
      currentInstance {
        visible
        instanceIndex
        modelId
        modelLabel
        experimentId
        experimentName
        studyId
        studyName
        startedAt
        epoch
        epochs
      }
    }
  }
`;

export type WorkerState = 'IDLE' | 'BUSY' | 'STOPPED' | 'LOST';

export type WorkerInstance = {
  visible: boolean;
  instanceIndex: number | null;
  modelId: string | null;
  modelLabel: string | null;
  experimentId: string | null;
  experimentName: string | null;
  studyId: string | null;
  studyName: string | null;
  startedAt: string | null;
  epoch: number | null;
  epochs: number | null;
};

export type WorkerItem = {
  id: string;
  name: string;
  host: string;
  pid: number;
  slot: number | null;
  backend: string;
  tfjsVersion: string;
  state: WorkerState;
  startedAt: string;
  lastHeartbeatAt: string;
  heartbeatIntervalMs: number;
  endedAt: string | null;
  trainingCount: number;
  currentInstance: WorkerInstance | null;
};

export type WorkersData = { workers: WorkerItem[] };

/** Tells whether a worker process is running. */
export function isLiveWorker(worker: WorkerItem): boolean {
  return worker.state === 'IDLE' || worker.state === 'BUSY';
}
