import CoreMetrics
import CreditCore
import Logging
import Metrics
import Prometheus
import Synchronization

/// The process's metrics: a Prometheus registry installed as the swift-metrics backend once per process.
public enum CreditMetrics {
    /// The registry `/metrics` prints. Touching it bootstraps swift-metrics (only once per process).
    public static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()

    private static let warnedYears = Mutex<Set<Int>>([])

    /// The handler the working-day calendar calls when it needs a year it has no data for:
    /// counts it in `credit_calendar_fallback_total{year}` and logs a warning once per year.
    public static func calendarFallbackHandler(logger: Logger) -> WorkingDayCalendarFallback {
        { year in
            _ = registry
            Counter(label: "credit_calendar_fallback_total", dimensions: [("year", String(year))]).increment()
            let first = warnedYears.withLock { $0.insert(year).inserted }
            if first {
                logger.warning(
                    "no holiday arrangement for year; counting the statutory holidays without 调休 (an estimate)",
                    metadata: ["year": .stringConvertible(year), "action": "load the State Council notice with `credit calendar load`"]
                )
            }
        }
    }
}

public typealias WorkingDayCalendarFallback = WorkingDayCalendar.FallbackHandler
