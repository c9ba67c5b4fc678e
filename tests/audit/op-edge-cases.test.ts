// Audit of issue 3's edge cases, sampled across op families through the public entry
// points: empty tensors, size-1 dims, negative dims, large logits, -Infinity, NaN,
// int32/bool accepted or refused, float32/float64 mixing, and error messages.
import { Tensor, noGrad, ones, tensor, zeros } from '@tsgrad/core';
import * as ops from '@tsgrad/ops';

const f64 = (data: Parameters<typeof tensor>[0]) => tensor(data, { dtype: 'float64' });
const values = (t: Tensor): number[] => Array.from(t.toTypedArray(), Number);
const messageOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected a throw');
};

describe('empty tensors', () => {
  test('elementwise, reductions, matmul, softmax, cat keep correct shapes', () => {
    const e = zeros([0, 3]);
    expect(ops.exp(e).shape).toEqual([0, 3]);
    expect(ops.add(e, ones([3])).shape).toEqual([0, 3]);
    expect(values(ops.sum(e, 0))).toEqual([0, 0, 0]);
    expect(ops.sum(e, 1).shape).toEqual([0]);
    expect(Number.isNaN(ops.mean(e).item())).toBe(true);
    expect(ops.matmul(e, ones([3, 2])).shape).toEqual([0, 2]);
    expect(values(ops.matmul(zeros([2, 0]), zeros([0, 2])))).toEqual([0, 0, 0, 0]);
    expect(ops.softmax(e, -1).shape).toEqual([0, 3]);
    expect(ops.cat([e, ones([2, 3])], 0).shape).toEqual([2, 3]);
    expect(ops.reshape(e, [3, 0]).shape).toEqual([3, 0]);
    expect(ops.sum(zeros([0])).item()).toBe(0);
  });

  test('reducing an empty dim with max/min is refused naming max/min', () => {
    expect(messageOf(() => ops.max(zeros([0, 3]), 0))).toMatch(/^max:/);
    expect(messageOf(() => ops.min(zeros([0, 3]), 0))).toMatch(/^min:/);
    expect(messageOf(() => ops.max(zeros([0])))).toMatch(/^max:/);
  });

  test('reducing an empty dim with amax is refused naming amax', () => {
    expect(messageOf(() => ops.amax(zeros([0, 3]), 0))).toMatch(/^amax: cannot reduce over an empty dimension/);
  });

  test('backward through empty tensors gives empty gradients', () => {
    const x = zeros([0, 3], { dtype: 'float64', requiresGrad: true });
    ops.sum(ops.exp(x)).backward();
    expect(x.grad!.shape).toEqual([0, 3]);
  });
});

describe('size-1 and negative dims', () => {
  test('size-1 dims broadcast both ways; gradients sum back', () => {
    const a = f64([[1], [2], [3]]);
    const b = f64([[10, 20]]);
    a.requiresGrad = true;
    b.requiresGrad = true;
    const y = ops.mul(a, b);
    expect(y.shape).toEqual([3, 2]);
    ops.sum(y).backward();
    expect(values(a.grad!)).toEqual([30, 30, 30]);
    expect(a.grad!.shape).toEqual([3, 1]);
    expect(values(b.grad!)).toEqual([6, 6]);
  });

  test('negative dims address from the end in reductions, softmax, cat, transpose, unsqueeze, squeeze', () => {
    const x = f64([[1, 2, 3], [4, 5, 6]]);
    expect(values(ops.sum(x, -1))).toEqual([6, 15]);
    expect(values(ops.sum(x, -2))).toEqual([5, 7, 9]);
    expect(values(ops.softmax(x, -2))).toEqual(values(ops.softmax(x, 0)));
    expect(ops.cat([x, x], -1).shape).toEqual([2, 6]);
    expect(ops.transpose(x, -1, -2).shape).toEqual([3, 2]);
    expect(ops.unsqueeze(x, -1).shape).toEqual([2, 3, 1]);
    expect(ops.squeeze(ops.unsqueeze(x, -1), -1).shape).toEqual([2, 3]);
    expect(values(ops.argmax(x, -1))).toEqual([2, 2]);
  });

  test('out-of-range dims are refused naming the op and the dim', () => {
    const x = zeros([2, 3]);
    for (const fn of [() => ops.sum(x, 2), () => ops.softmax(x, -3), () => ops.cat([x, x], 5), () => ops.transpose(x, 0, 2)]) {
      const msg = messageOf(fn);
      expect(msg).toMatch(/^(sum|softmax|cat|transpose)/);
      expect(msg).toMatch(/dim/i);
    }
  });
});

describe('large logits, -Infinity and NaN', () => {
  test('softmax([1000, 0]) = [1, 0] and logSoftmax = [0, -1000]', () => {
    expect(values(ops.softmax(f64([1000, 0]), 0))).toEqual([1, 0]);
    expect(values(ops.logSoftmax(f64([1000, 0]), 0))).toEqual([0, -1000]);
    expect(values(ops.softmax(tensor([1000, 0]), 0))).toEqual([1, 0]); // float32 too
    expect(values(ops.logsumexp(f64([1000, 1000]), 0))).toEqual([1000 + Math.log(2)]);
  });

  test('-Infinity inputs', () => {
    expect(values(ops.softmax(f64([-Infinity, 0]), 0))).toEqual([0, 1]);
    expect(values(ops.exp(f64([-Infinity])))).toEqual([0]);
    expect(values(ops.relu(f64([-Infinity])))).toEqual([0]);
    expect(values(ops.logsumexp(f64([-Infinity, -Infinity]), 0))).toEqual([-Infinity]);
    expect(values(ops.sigmoid(f64([-Infinity, Infinity])))).toEqual([0, 1]);
    expect(values(ops.tanh(f64([-Infinity])))).toEqual([-1]);
    // Gradient of softmax through a -Infinity entry is 0 there, finite elsewhere.
    const x = f64([-Infinity, 1, 2]);
    x.requiresGrad = true;
    ops.sum(ops.mul(ops.softmax(x, 0), f64([1, 2, 3]))).backward();
    expect(values(x.grad!).every(Number.isFinite)).toBe(true);
    expect(Math.abs(values(x.grad!)[0]!)).toBe(0);
  });

  test('a row of all -Infinity does not throw in softmax', () => {
    expect(() => ops.softmax(f64([[-Infinity, -Infinity]]), -1)).not.toThrow();
  });

  test('NaN propagates through elementwise ops, reductions, matmul and softmax', () => {
    const x = f64([NaN, 1]);
    expect(values(ops.add(x, 1))[0]).toBeNaN();
    expect(values(ops.exp(x))[0]).toBeNaN();
    expect(values(ops.relu(x))[0]).toBeNaN();
    expect(values(ops.gelu(x))[0]).toBeNaN();
    expect(ops.sum(x).item()).toBeNaN();
    expect(ops.max(x).item()).toBeNaN();
    expect(ops.matmul(x, f64([1, 1])).item()).toBeNaN();
    expect(values(ops.softmax(x, 0)).every(Number.isNaN)).toBe(true);
    expect(values(ops.maximum(x, f64([0, 0])))[0]).toBeNaN();
    expect(values(ops.clamp(x, { min: 0, max: 0.5 }))[0]).toBeNaN();
  });
});

describe('int32 and bool inputs', () => {
  const i = tensor([1, 2, 3], { dtype: 'int32' });
  const b = tensor([true, false, true]);

  test('accepted where meaningful', () => {
    expect(ops.add(i, i).dtype).toBe('int32');
    expect(values(ops.mul(i, 2))).toEqual([2, 4, 6]);
    expect(ops.sum(i).dtype).toBe('int32');
    expect(ops.exp(i).dtype).toBe('float32');
    expect(ops.abs(i).dtype).toBe('int32');
    expect(ops.eq(i, 2).dtype).toBe('bool');
    expect(values(ops.logicalNot(b))).toEqual([0, 1, 0]);
    expect(values(ops.where(b, i, ops.neg(i)))).toEqual([1, -2, 3]);
    expect(ops.reshape(b, [3, 1]).dtype).toBe('bool');
    expect(values(ops.cat([i, i]))).toEqual([1, 2, 3, 1, 2, 3]);
    expect(values(ops.triu(ones([2, 2], { dtype: 'bool' })))).toEqual([1, 1, 0, 1]);
    expect(values(ops.argmax(i))).toEqual([2]);
    // softmax/logSoftmax of int32 compute in float32, like exp (PyTorch refuses integer softmax)
    expect(ops.softmax(i, 0).dtype).toBe('float32');
  });

  test('refused where not, naming the op and the dtype', () => {
    const cases: [string, () => unknown][] = [
      ['exp', () => ops.exp(b)],
      ['matmul', () => ops.matmul(i, i)], // int matmul is refused (documented; PyTorch allows it)
      ['pow', () => ops.pow(b, 2)],
      ['relu', () => ops.relu(b)],
      ['dropout', () => ops.dropout(i, 0.5)],
      ['maskedFill', () => ops.maskedFill(i, i, 0)], // int mask
      ['gather', () => ops.gather(i, 0, tensor([0]))], // float index
      ['indexSelect', () => ops.indexSelect(i, 0, tensor([0]))],
    ];
    for (const [op, fn] of cases) {
      const msg = messageOf(fn);
      expect(msg.startsWith(op)).toBe(true);
      expect(msg).toMatch(/bool|int32|float32/);
    }
  });

  test('an int32 tensor cannot require grad', () => {
    expect(() => tensor([1], { dtype: 'int32', requiresGrad: true })).toThrow(/float/);
  });
});

describe('float32 / float64 mixing', () => {
  test('results promote to float64 and each gradient comes back in its input dtype', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3, 4], { dtype: 'float64', requiresGrad: true });
    for (const y of [ops.add(a, b), ops.mul(a, b), ops.maximum(a, b), ops.where(tensor([true, false]), a, b), ops.cat([a, b])]) {
      expect(y.dtype).toBe('float64');
    }
    expect(ops.matmul(a, b).dtype).toBe('float64');
    ops.sum(ops.mul(a, b)).backward();
    expect(a.grad!.dtype).toBe('float32');
    expect(b.grad!.dtype).toBe('float64');
    // a float32 tensor with a number stays float32; int32 with a fraction becomes float32
    expect(ops.mul(tensor([1]), 0.5).dtype).toBe('float32');
    expect(ops.mul(tensor([1], { dtype: 'int32' }), 0.5).dtype).toBe('float32');
  });
});

describe('error messages name the op, the argument and the shapes', () => {
  test('the exact example of the issue', () => {
    expect(messageOf(() => ops.matmul(zeros([2, 3]), zeros([4, 5])))).toBe('matmul: inner dimensions differ: [2,3] @ [4,5]');
  });

  test('broadcasting, reshape, cat, maskedFill, gather, where', () => {
    const cases: [RegExp, () => unknown][] = [
      [/^add.*\[2,3\].*\[4\]/, () => ops.add(zeros([2, 3]), zeros([4]))],
      [/^reshape.*\[2,3\].*\[4\]|^reshape.*\[4\].*\[2,3\]/, () => ops.reshape(zeros([2, 3]), [4])],
      [/^cat.*\[2,4\].*\[2,3\]/, () => ops.cat([zeros([2, 3]), zeros([2, 4])], 0)],
      [/^maskedFill.*mask.*\[4\].*\[2,3\]|^maskedFill.*\[2,3\].*mask.*\[4\]/, () => ops.maskedFill(zeros([2, 3]), zeros([4], { dtype: 'bool' }), 0)],
      [/^gather.*5/, () => ops.gather(zeros([2, 3]), 1, tensor([[5]], { dtype: 'int32' }))],
      [/^where.*\[2\].*\[3\]|^where.*\[3\].*\[2\]/, () => ops.where(tensor([true, false]), zeros([3]), 0)],
      [/^expand.*\[2\].*\[3\]|^expand.*\[3\].*\[2\]/, () => ops.expand(zeros([2]), [3])],
    ];
    for (const [pattern, fn] of cases) expect(messageOf(fn)).toMatch(pattern);
  });
});

describe('in-place variants', () => {
  test('refuse leaves that require grad outside noGrad, allowed inside; bump versions', () => {
    const p = tensor([1, 2], { requiresGrad: true });
    for (const fn of [() => ops.add_(p, 1), () => ops.mul_(p, 2), () => ops.sub_(p, 1), () => ops.div_(p, 2), () => ops.zero_(p), () => ops.fill_(p, 1), () => ops.copy_(p, tensor([0, 0])), () => ops.clamp_(p, { min: 0 })]) {
      expect(fn).toThrow(/leaf|requires grad/i);
    }
    expect(values(p)).toEqual([1, 2]); // nothing changed
    const before = p.version;
    noGrad(() => ops.add_(p, 1));
    expect(values(p)).toEqual([2, 3]);
    expect(p.version).toBeGreaterThan(before);
  });
});
