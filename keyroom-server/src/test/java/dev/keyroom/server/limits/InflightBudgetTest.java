package dev.keyroom.server.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** DOS-2: the budget overall and per client; reservations grow and always return. */
class InflightBudgetTest {
    static final List<String> A = List.of("addr:10.0.0.1", "id:alice");
    static final List<String> B = List.of("addr:10.0.0.2", "id:bob");

    static InflightBudget.Reservation reserved(InflightBudget.Result r) {
        assertThat(r).isInstanceOf(InflightBudget.Result.Reserved.class);
        return ((InflightBudget.Result.Reserved) r).reservation();
    }

    @Test
    void oneClient_holdsAtMostItsShare_whileAnotherIsServed() {
        InflightBudget budget = new InflightBudget(100, 40);
        InflightBudget.Reservation first = reserved(budget.tryReserve(30, A));
        assertThat(budget.tryReserve(20, A))
                .isEqualTo(new InflightBudget.Result.Refused(InflightBudget.Shortfall.CLIENT));
        assertThat(budget.used()).as("a refusal holds nothing").isEqualTo(30);
        InflightBudget.Reservation other = reserved(budget.tryReserve(40, B));
        // The same identity from another address is still that identity.
        assertThat(budget.tryReserve(20, List.of("addr:10.0.0.3", "id:alice")))
                .isEqualTo(new InflightBudget.Result.Refused(InflightBudget.Shortfall.CLIENT));
        assertThat(budget.heldBy("addr:10.0.0.3")).isZero();
        first.close();
        other.close();
        first.close();
        assertThat(budget.used()).isZero();
        assertThat(budget.heldBy("id:alice")).isZero();
    }

    @Test
    void theWholeBudget_boundsAllClients() {
        InflightBudget budget = new InflightBudget(50, 40);
        InflightBudget.Reservation a = reserved(budget.tryReserve(40, A));
        assertThat(budget.tryReserve(20, B))
                .isEqualTo(new InflightBudget.Result.Refused(InflightBudget.Shortfall.OVERALL));
        assertThat(budget.heldBy("id:bob")).isZero();
        a.close();
        reserved(budget.tryReserve(20, B)).close();
        assertThat(budget.used()).isZero();
    }

    @Test
    void aReservation_growsWithinTheBounds_andReturnsAllItHolds() {
        InflightBudget budget = new InflightBudget(100, 40);
        InflightBudget.Reservation r = reserved(budget.tryReserve(0, A));
        assertThat(budget.used())
                .as("a body of no declared length holds nothing at first")
                .isZero();
        assertThat(r.tryGrow(30)).isEmpty();
        assertThat(r.tryGrow(20)).isEqualTo(Optional.of(InflightBudget.Shortfall.CLIENT));
        assertThat(r.bytes()).isEqualTo(30);
        r.close();
        assertThat(budget.used()).isZero();
        assertThat(budget.heldBy("addr:10.0.0.1")).isZero();
    }
}
