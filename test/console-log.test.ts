import { describe, expect, test } from 'vitest';
import { formatConsoleLine } from '../server/console-log.ts';

const LOG_FILE = '/data/logs/robustlab.log';

describe('formatConsoleLine', () => {
  test('info lines stay off the console', () => {
    expect(formatConsoleLine('{"level":30,"msg":"job succeeded","jobId":"1"}', LOG_FILE)).toBeNull();
  });

  test('warning names its worker', () => {
    const line = formatConsoleLine('{"level":40,"workerId":"vm-12","msg":"re-enqueuing lost training jobs"}', LOG_FILE);
    expect(line).toBe('WARN [vm-12] re-enqueuing lost training jobs');
  });

  test('error shows its message but no stack', () => {
    const json = JSON.stringify({ level: 50, slot: 1, msg: 'training failed', err: { message: 'out of memory', stack: 'Error: out of memory\n    at train' } });
    const line = formatConsoleLine(json, LOG_FILE);
    expect(line).toBe(`ERROR [worker 1] training failed (error: out of memory); details in ${LOG_FILE}`);
    expect(line).not.toContain('at train');
  });

  test('worker stderr text is shown', () => {
    const line = formatConsoleLine('{"level":40,"slot":0,"msg":"worker process stderr","stderr":"Segmentation fault"}', LOG_FILE);
    expect(line).toBe('WARN [worker 0] worker process stderr: Segmentation fault');
  });

  test('text that is not JSON passes through', () => {
    expect(formatConsoleLine('Worker process failed to start: boom\n', LOG_FILE)).toBe('Worker process failed to start: boom');
  });
});
