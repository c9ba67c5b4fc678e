import { AutogradError, DTypeError, Generator, TsgradError, defineOp, grad, mul, randn, registerMethod, registeredOps, tensor, type Tensor } from '../src/index.js';

declare module '../src/index.js' {
  interface Tensor {
    cube(): Tensor;
  }
}

// A user-defined op, declared the same way the library's ops are.
const Cube = defineOp({
  name: 'testCube',
  inputs: ['x'],
  forward: ({ x }) => noCopyCube(x),
  backward: ({ dy, inputs: { x } }) => ({ x: mul(dy, mul(mul(x, x), 3)) }), // d(x³) = 3x² dx
});
function noCopyCube(x: Tensor): Tensor {
  const data = x.toTypedArray();
  for (let i = 0; i < data.length; i++) data[i] = data[i]! ** 3;
  return tensor(data, { shape: x.shape });
}
const cube = (x: Tensor): Tensor => Cube.apply({ x }, {});
registerMethod('cube', cube);

describe('defineOp', () => {
  test('a user op records a node, differentiates, and is chained on Tensor', () => {
    const x = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const y = x.cube();
    expect(y.gradFn!.name).toBe('testCube');
    expect(y.toArray()).toEqual([1, 8]);
    const [g1] = grad(y.sum(), x, { createGraph: true });
    expect(g1!.toArray()).toEqual([3, 12]);
    const [g2] = grad(g1!.sum(), x);
    expect(g2!.toArray()).toEqual([6, 12]);
    expect(registeredOps().get('testCube')!.differentiable).toEqual(['x']);
  });

  test('non-differentiable inputs get no gradient; ops on non-float outputs record nothing', () => {
    const Scale = defineOp({
      name: 'testScaleByMask',
      inputs: ['x', 'mask'],
      differentiable: ['x'],
      forward: ({ x, mask }) => mul(x, mask),
      backward: ({ dy, inputs: { mask } }) => ({ x: mul(dy, mask) }),
    });
    const x = tensor([1, 2], { requiresGrad: true });
    const m = tensor([true, false]);
    const y = Scale.apply({ x, mask: m }, {});
    y.sum().backward();
    expect(x.grad!.toArray()).toEqual([1, 0]);
  });

  test('names are unique; methods cannot shadow', () => {
    expect(() => defineOp({ name: 'testCube', inputs: ['x'], forward: ({ x }) => x, backward: ({ dy }) => ({ x: dy }) })).toThrow(
      TsgradError,
    );
    expect(() => registerMethod('cube', cube)).toThrow(/already has a member named 'cube'/);
  });

  test('a backward returning the wrong shape is reported with the op and input name', () => {
    const Bad = defineOp({
      name: 'testBadShape',
      inputs: ['x'],
      forward: ({ x }) => mul(x, 2),
      backward: ({ dy }) => ({ x: dy.sum().reshape([1, 1, 1]).expand([2, 3, 4]) }),
    });
    const x = randn([3], { generator: new Generator(1), requiresGrad: true });
    expect(() => Bad.apply({ x }, {}).sum().backward()).toThrow(AutogradError);
    expect(() => Bad.apply({ x }, {}).sum().backward()).toThrow(
      "testBadShape: backward returned a gradient of shape [2,3,4] for input 'x' of shape [3]",
    );
  });

  test('non-tensor inputs are refused with the op and argument name', () => {
    expect(() => Cube.apply({ x: [1, 2] as unknown as Tensor }, {})).toThrow('testCube: x must be a Tensor, got an array');
  });
});

describe('core arithmetic dtypes', () => {
  test('promotion: int with float scalar, float32 with float64, bool arithmetic refused', () => {
    const i = tensor([1, 2], { dtype: 'int32' });
    expect(i.mul(2).dtype).toBe('int32');
    expect(i.mul(0.5).dtype).toBe('float32');
    expect(i.mul(0.5).toArray()).toEqual([0.5, 1]);
    expect(i.div(2).dtype).toBe('float32');
    expect(tensor([1], { dtype: 'float32' }).add(tensor([1], { dtype: 'float64' })).dtype).toBe('float64');
    expect(() => tensor([true]).add(tensor([false]))).toThrow(DTypeError);
    expect(tensor([true, false]).add(1).toArray()).toEqual([2, 1]);
  });
});
