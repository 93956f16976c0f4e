import { ANY_OBJECT, TASK } from '../../src/sdk/v2/task-schemas.js';

const task = { taskId: 't1', status: 'working', createdAt: 'a', lastUpdatedAt: 'b', ttl: null };

describe('the task schemas of mcp-tx/v2 (Standard Schemas, no zod)', () => {
  it('should take a 2025-11-25 Task, unknown members kept', async () => {
    expect(TASK.safeParse({ ...task, extra: 1 })).toEqual({ success: true, data: { ...task, extra: 1 } });
    expect(await TASK['~standard'].validate(task)).toEqual({ value: task });
  });

  it.each([
    [null, /object/],
    [{ ...task, taskId: 1 }, /taskId/],
    [{ ...task, status: 'done' }, /status done/],
    [{ ...task, createdAt: undefined }, /createdAt/],
    [{ ...task, ttl: '1' }, /ttl/],
    [{ ...task, pollInterval: '5' }, /pollInterval/],
    [{ ...task, statusMessage: 3 }, /statusMessage/],
  ])('should refuse %p', async (value, message) => {
    expect(TASK.safeParse(value)).toEqual({ success: false });
    const result = await TASK['~standard'].validate(value);
    expect((result as { issues: { message: string }[] }).issues[0]?.message).toMatch(message);
  });

  it('should take any JSON object as ANY_OBJECT, and nothing else', () => {
    expect(ANY_OBJECT.safeParse({ task })).toEqual({ success: true, data: { task } });
    for (const value of [[], 'x', null, 1]) expect(ANY_OBJECT.safeParse(value)).toEqual({ success: false });
  });
});
