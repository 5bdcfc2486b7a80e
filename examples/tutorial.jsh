// PyTorch's autograd tutorial, cell by cell, in JShell.
// Start it from the repository root with:  bash examples/jshell-tutorial.sh
import dev.autograd4j.*;

// --- Cell 1: a one-layer network with input x, parameters w and b, and a loss
Tensor.manualSeed(0);
var x = Tensor.ones(5);   // input tensor
var y = Tensor.zeros(3);  // expected output
var w = Tensor.randn(5, 3).requiresGrad(true);
var b = Tensor.randn(3).requiresGrad(true);
var z = x.matmul(w).add(b);
var loss = Functional.binaryCrossEntropyWithLogits(z, y);

// --- Cell 2: the functions that will compute the gradients
System.out.println("Gradient function for z = " + z.gradFn());
System.out.println("Gradient function for loss = " + loss.gradFn());

// --- Cell 3: computing gradients
loss.backward();
System.out.println(w.grad());
System.out.println(b.grad());

// --- Cell 4: disabling gradient tracking
z = x.matmul(w).add(b);
System.out.println(z.requiresGrad());
try (var g = Autograd.noGrad()) {
    z = x.matmul(w).add(b);
}
System.out.println(z.requiresGrad());

// --- Cell 5: detach
z = x.matmul(w).add(b);
var zDet = z.detach();
System.out.println(zDet.requiresGrad());

// --- Cell 6: Jacobian-vector products (non-scalar outputs need an explicit gradient)
var inp = Tensor.eye(4, 5, DType.FLOAT32, Device.CPU).requiresGrad(true);
var out = inp.add(1.0).pow(2).t();
out.backward(Tensor.onesLike(out), true);
System.out.println("First call\n" + inp.grad());
out.backward(Tensor.onesLike(out), true);
System.out.println("\nSecond call\n" + inp.grad());
inp.setGrad(null);
out.backward(Tensor.onesLike(out), true);
System.out.println("\nCall after zeroing gradients\n" + inp.grad());
/exit
