package dev.autograd4j.optim;

import dev.autograd4j.MemoryScope;
import dev.autograd4j.Tensor;
import java.util.Map;

/**
 * Adagrad, following the {@code torch.optim.Adagrad} update:
 * <pre>
 * g = grad + weightDecay * p
 * clr = lr / (1 + (t - 1) * lrDecay)           (t: this parameter's step count, from 1)
 * sum = sum + g^2                               (sum starts at initialAccumulatorValue)
 * p = p - clr * g / (sqrt(sum) + eps)
 * </pre>
 * State (for state dicts): {@code step}, {@code sum}.
 */
public class Adagrad extends Optimizer {
    private double lrDecay;
    private double weightDecay;
    private final double initialAccumulatorValue;
    private double eps;

    /** Per-parameter state. */
    static final class State {
        long step;
        Tensor sum;
    }

    /**
     * Adagrad with PyTorch's defaults: no learning-rate decay, no weight decay, accumulator starting at 0,
     * eps 1e-10.
     *
     * @param parameters the tensors to optimize: floating-point leaves, each once, at least one requiring
     *        grad (e.g. {@code module.parameters()})
     * @param lr the learning rate (PyTorch's default is 1e-2)
     * @throws IllegalArgumentException if the parameters or {@code lr} are invalid (see {@link Optimizer})
     */
    public Adagrad(Iterable<Tensor> parameters, double lr) {
        this(parameters, lr, 0, 0, 0, 1e-10);
    }

    /**
     * Adagrad with every option, like {@code torch.optim.Adagrad(params, lr, lr_decay, weight_decay,
     * initial_accumulator_value, eps)}.
     *
     * @param parameters the tensors to optimize: floating-point leaves, each once, at least one requiring
     *        grad (e.g. {@code module.parameters()})
     * @param lr the learning rate
     * @param lrDecay the learning-rate decay, non-negative
     * @param weightDecay L2 penalty added to the gradient, non-negative
     * @param initialAccumulatorValue the starting value of the squared-gradient sum, non-negative
     * @param eps added to the denominator, non-negative
     * @throws IllegalArgumentException if an argument is invalid ({@code Invalid lr_decay value: -1.0})
     */
    public Adagrad(Iterable<Tensor> parameters, double lr, double lrDecay, double weightDecay,
                   double initialAccumulatorValue, double eps) {
        super(parameters, lr);
        check(lrDecay, weightDecay, eps);
        checkNonNegative("initial_accumulator_value", initialAccumulatorValue);
        this.lrDecay = lrDecay;
        this.weightDecay = weightDecay;
        this.initialAccumulatorValue = initialAccumulatorValue;
        this.eps = eps;
    }

    private static void check(double lrDecay, double weightDecay, double eps) {
        checkNonNegative("lr_decay", lrDecay);
        checkNonNegative("weight_decay", weightDecay);
        checkNonNegative("epsilon", eps);
    }

    @Override
    protected void update(Tensor p, Tensor grad, Map<Tensor, Object> state) {
        Tensor g = weightDecay == 0 ? grad : grad.add(p.mul(weightDecay));
        State s = (State) state.get(p);
        if (s == null) {
            s = new State();
            s.sum = MemoryScope.escape(Tensor.zerosLike(p).fill_(initialAccumulatorValue));
            state.put(p, s);
        }
        s.step++;
        double clr = lr() / (1 + (s.step - 1) * lrDecay);
        s.sum.add_(g.mul(g));
        Tensor std = s.sum.sqrt().add_(eps);
        p.add_(g.div(std), -clr);
    }

    @Override
    protected void saveParamState(Object paramState, Map<String, Tensor> out) {
        State s = (State) paramState;
        out.put("step", scalar64(s.step));
        out.put("sum", s.sum);
    }

    @Override
    protected Object loadParamState(Tensor param, Map<String, Tensor> entries) {
        State s = new State();
        s.step = (long) required(entries, "step").item();
        s.sum = required(entries, "sum");
        return s;
    }

    @Override
    protected void saveHyperparameters(Map<String, Double> out) {
        out.put("lr_decay", lrDecay);
        out.put("weight_decay", weightDecay);
        out.put("initial_accumulator_value", initialAccumulatorValue);
        out.put("eps", eps);
    }

    @Override
    protected void loadHyperparameters(Map<String, Double> in) {
        double d = hyper(in, "lr_decay");
        double wd = hyper(in, "weight_decay");
        hyper(in, "initial_accumulator_value"); // only used before the first step; the sum is in the state
        double e = hyper(in, "eps");
        check(d, wd, e);
        lrDecay = d;
        weightDecay = wd;
        eps = e;
    }
}
