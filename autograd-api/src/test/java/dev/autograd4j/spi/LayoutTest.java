package dev.autograd4j.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The view math on {@link Layout}, checked against the strides PyTorch reports for the same views. */
class LayoutTest {
    private static final Layout L234 = Layout.contiguous(new int[] {2, 3, 4});

    private static void assertLayout(int[] shape, int[] strides, int offset, Layout l) {
        assertArrayEquals(shape, l.shape(), "shape");
        assertArrayEquals(strides, l.strides(), "strides");
        assertEquals(offset, l.offset(), "offset");
    }

    @Test
    void contiguousStridesAndNumel() {
        assertLayout(new int[] {2, 3, 4}, new int[] {12, 4, 1}, 0, L234);
        assertEquals(24, L234.numel());
        assertTrue(L234.isContiguous());
        assertEquals(1, Layout.contiguous(new int[0]).numel());
        assertLayout(new int[] {0, 3}, new int[] {3, 1}, 0, Layout.contiguous(new int[] {0, 3}));
    }

    @Test
    void inferShapeFillsTheMinusOne() {
        assertArrayEquals(new int[] {6, 4}, Layout.inferShape(new int[] {-1, 4}, 24));
        assertArrayEquals(new int[] {2, 12}, Layout.inferShape(new int[] {2, -1}, 24));
        assertEquals("shape '[-1, 5]' is invalid for input of size 24",
                assertThrows(IllegalArgumentException.class, () -> Layout.inferShape(new int[] {-1, 5}, 24))
                        .getMessage());
        assertEquals("only one dimension can be inferred",
                assertThrows(IllegalArgumentException.class, () -> Layout.inferShape(new int[] {-1, -1}, 24))
                        .getMessage());
        assertEquals("shape '[5]' is invalid for input of size 24",
                assertThrows(IllegalArgumentException.class, () -> Layout.inferShape(new int[] {5}, 24)).getMessage());
    }

    @Test
    void broadcastGivesStrideZeroToNewAndGrownDims() {
        Layout row = Layout.contiguous(new int[] {1, 4});
        assertLayout(new int[] {2, 3, 4}, new int[] {0, 0, 1}, 0, row.broadcastTo(new int[] {2, 3, 4}));
        assertLayout(new int[] {2, 3, 4}, new int[] {12, 4, 1}, 0, L234.broadcastTo(new int[] {2, 3, 4}));
    }

    @Test
    void viewAsFollowsComputeStride() {
        assertLayout(new int[] {6, 4}, new int[] {4, 1}, 0, L234.viewAs(new int[] {6, 4}));
        Layout t = L234.transpose(1, 2); // [2, 4, 3] strides [12, 1, 4]
        assertNull(t.viewAs(new int[] {2, 12}), "a transposed pair cannot be merged");
        assertNull(Layout.contiguous(new int[] {3, 4}).transpose(0, 1).viewAs(new int[] {12}), "flattening a "
                + "transpose needs a copy");
        Layout narrowed = L234.narrow(2, 1, 2); // [2, 3, 2] strides [12, 4, 1] offset 1: rows of 2 with gaps
        assertLayout(new int[] {6, 2}, new int[] {4, 1}, 1, narrowed.viewAs(new int[] {6, 2}));
        assertNull(narrowed.viewAs(new int[] {12}));
        // split a dim of a strided view: [4, 3] with strides [1, 4] viewed as [2, 2, 3]
        Layout tt = Layout.contiguous(new int[] {3, 4}).transpose(0, 1);
        assertLayout(new int[] {2, 2, 3}, new int[] {2, 1, 4}, 0, tt.viewAs(new int[] {2, 2, 3}));
        assertLayout(new int[] {1, 24, 1}, new int[] {24, 1, 1}, 0, L234.viewAs(new int[] {1, 24, 1}));
    }

    @Test
    void permuteTransposeSqueezeUnsqueeze() {
        assertLayout(new int[] {4, 2, 3}, new int[] {1, 12, 4}, 0, L234.permute(new int[] {2, 0, 1}));
        assertLayout(new int[] {4, 3, 2}, new int[] {1, 4, 12}, 0, L234.transpose(0, 2));
        assertFalse(L234.transpose(0, 2).isContiguous());
        Layout withOnes = Layout.contiguous(new int[] {1, 3, 1, 4});
        assertLayout(new int[] {3, 4}, new int[] {4, 1}, 0, withOnes.squeeze());
        assertLayout(new int[] {3, 1, 4}, new int[] {4, 4, 1}, 0, withOnes.squeeze(0));
        assertLayout(new int[] {2, 1, 3, 4}, new int[] {12, 12, 4, 1}, 0, L234.unsqueeze(1)); // as torch: (12, 12, 4, 1)
        assertLayout(new int[] {2, 3, 4, 1}, new int[] {12, 4, 1, 1}, 0, L234.unsqueeze(3));
    }

    @Test
    void expandRepeatsSizeOneDims() {
        Layout col = Layout.contiguous(new int[] {3, 1});
        assertLayout(new int[] {2, 3, 5}, new int[] {0, 1, 0}, 0, col.expand(new int[] {2, 3, 5}));
        assertLayout(new int[] {3, 5}, new int[] {1, 0}, 0, col.expand(new int[] {-1, 5}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> col.expand(new int[] {4, 5}));
        assertEquals("The expanded size of the tensor (4) must match the existing size (3) at non-singleton dimension "
                + "0.  Target sizes: [4, 5].  Tensor sizes: [3, 1]", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> col.expand(new int[] {5}));
        assertThrows(IllegalArgumentException.class, () -> col.expand(new int[] {-1, 3, 5}));
    }

    @Test
    void narrowAndSelectMoveTheOffset() {
        assertLayout(new int[] {2, 2, 4}, new int[] {12, 4, 1}, 4, L234.narrow(1, 1, 2));
        assertLayout(new int[] {2, 4}, new int[] {12, 1}, 8, L234.select(1, 2));
        assertLayout(new int[] {3, 4}, new int[] {4, 1}, 12, L234.select(0, 1));
    }

    @Test
    void walkingOrdersOfReductionsAndSoftmax() {
        assertLayout(new int[] {3, 2, 4}, new int[] {4, 12, 1}, 0, L234.reducedDimsLast(new int[] {0, 2}));
        assertLayout(new int[] {2, 4, 3}, new int[] {12, 1, 4}, 0, L234.moveDimLast(1));
        assertLayout(new int[] {1}, new int[] {1}, 7, new Layout(new int[0], new int[0], 7).moveDimLast(0));
        assertLayout(new int[] {1, 3, 4}, new int[] {0, 4, 1}, 0, Layout.contiguous(new int[] {3, 4}).asBatchOfOne());
    }

    @Test
    void denseLayoutsAreContiguousOrPermutedContiguous() {
        assertTrue(L234.isNonOverlappingAndDense());
        assertTrue(L234.permute(new int[] {2, 0, 1}).isNonOverlappingAndDense());
        assertTrue(L234.narrow(0, 1, 1).isNonOverlappingAndDense()); // one contiguous run at offset 12
        assertTrue(new Layout(new int[] {0, 3}, new int[] {1, 0}, 0).isNonOverlappingAndDense()); // empty
        assertTrue(new Layout(new int[] {3, 1}, new int[] {1, 7}, 2).isNonOverlappingAndDense()); // size-1 stride
        assertFalse(L234.narrow(2, 0, 2).isNonOverlappingAndDense()); // gaps
        assertFalse(L234.select(2, 0).isNonOverlappingAndDense());
        assertFalse(Layout.contiguous(new int[] {1, 3}).expand(new int[] {4, 3}).isNonOverlappingAndDense());
    }

    @Test
    void internalOverlapIsAnExpandedDimAsInPyTorch() {
        Layout row = Layout.contiguous(new int[] {1, 3});
        assertTrue(row.expand(new int[] {4, 3}).hasInternalOverlap());
        assertTrue(row.broadcastTo(new int[] {2, 1, 3}).narrow(2, 0, 2).hasInternalOverlap()); // gaps and repeats
        assertFalse(row.expand(new int[] {1, 3}).hasInternalOverlap());
        assertFalse(new Layout(new int[] {1, 3}, new int[] {0, 1}, 0).hasInternalOverlap()); // stride 0, size 1
        assertFalse(new Layout(new int[] {0, 3}, new int[] {0, 0}, 0).hasInternalOverlap()); // nothing to write
        assertFalse(L234.hasInternalOverlap());
        assertFalse(L234.transpose(0, 2).hasInternalOverlap());
        assertFalse(L234.narrow(2, 1, 2).hasInternalOverlap()); // gaps, no repeats
        // PyTorch's "too hard": repeats without a stride-0 dim (no autograd4j view makes one) go through
        assertFalse(new Layout(new int[] {3, 2}, new int[] {1, 1}, 0).hasInternalOverlap());
    }

    @Test
    void overlapBetweenLayoutsComparesMemoryRangesAsPyTorch() {
        Layout x = Layout.contiguous(new int[] {2, 2});
        assertEquals(Layout.Overlap.FULL, x.overlapWith(x));
        assertEquals(Layout.Overlap.FULL, x.overlapWith(Layout.contiguous(new int[] {2, 2})));
        assertEquals(Layout.Overlap.FULL, x.overlapWith(x.viewAs(new int[] {4}).viewAs(new int[] {2, 2})));
        assertEquals(Layout.Overlap.PARTIAL, x.overlapWith(x.transpose(0, 1))); // same range, other strides
        assertEquals(Layout.Overlap.PARTIAL, x.overlapWith(x.viewAs(new int[] {4}))); // strides [1] vs [2, 1]
        assertEquals(Layout.Overlap.PARTIAL, x.overlapWith(x.narrow(0, 0, 1))); // a row inside the whole
        assertEquals(Layout.Overlap.PARTIAL, L234.narrow(0, 0, 1).overlapWith(L234.select(0, 0).select(0, 1)));
        assertEquals(Layout.Overlap.NO, x.narrow(0, 0, 1).overlapWith(x.narrow(0, 1, 1)));
        assertEquals(Layout.Overlap.NO, x.select(0, 1).overlapWith(x.select(0, 0)));
        assertEquals(Layout.Overlap.NO, x.overlapWith(x.narrow(0, 0, 0))); // empty
        // either layout with gaps or repeats: PyTorch does not decide, and lets the write through
        assertEquals(Layout.Overlap.TOO_HARD, x.overlapWith(x.narrow(1, 0, 1)));
        assertEquals(Layout.Overlap.TOO_HARD, L234.narrow(2, 0, 2).overlapWith(L234.narrow(2, 2, 2)));
        assertEquals(Layout.Overlap.TOO_HARD, x.overlapWith(x.select(0, 0).broadcastTo(new int[] {2, 2})));
    }

    @Test
    void diagonalAddsTheStridesOfItsDims() {
        Layout m = Layout.contiguous(new int[] {3, 4});
        assertLayout(new int[] {3}, new int[] {5}, 0, m.diagonal(0, 0, 1));
        assertLayout(new int[] {3}, new int[] {5}, 1, m.diagonal(1, 0, 1));
        assertLayout(new int[] {2}, new int[] {5}, 4, m.diagonal(-1, 0, 1));
        assertLayout(new int[] {3}, new int[] {5}, 0, m.diagonal(0, 1, 0));
        assertLayout(new int[] {0}, new int[] {5}, 0, m.diagonal(4, 0, 1));
        assertLayout(new int[] {0}, new int[] {5}, 0, m.diagonal(-3, 0, 1));
        // dims 0 and 2 of [2, 3, 4]: the kept dim first, then the diagonal; a narrowed base keeps its offset
        assertLayout(new int[] {3, 2}, new int[] {4, 13}, 1, L234.diagonal(1, 0, 2));
        assertLayout(new int[] {2}, new int[] {5}, 4, m.narrow(0, 1, 2).diagonal(0, 0, 1));
    }
}
