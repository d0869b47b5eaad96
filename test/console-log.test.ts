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

  test('web process line names its process', () => {
    const line = formatConsoleLine('{"level":50,"process":"web 2","pid":4242,"msg":"request failed","err":{"message":"boom"}}', LOG_FILE);
    expect(line).toBe(`ERROR [web 2] request failed (error: boom); details in ${LOG_FILE}`);
  });

  test('restart line of the main process names the web process', () => {
    const line = formatConsoleLine('{"level":50,"process":"main","pid":4000,"webProcess":1,"code":1,"msg":"web process exited; restarting"}', LOG_FILE);
    expect(line).toBe('ERROR [web 1] web process exited; restarting');
  });

  test('main process line has no source', () => {
    expect(formatConsoleLine('{"level":40,"process":"main","pid":4000,"msg":"reading demo progress failed"}', LOG_FILE)).toBe('WARN reading demo progress failed');
  });

  test('text that is not JSON passes through', () => {
    expect(formatConsoleLine('Worker process failed to start: boom\n', LOG_FILE)).toBe('Worker process failed to start: boom');
  });
});
