using System.Globalization;

namespace Mtc.Cloud.Ingest;

/// <summary>
/// The times the cloud stores, in UTC: from 1970-01-01T00:00:00Z up to, not including, 2200-01-01T00:00:00Z. Every time
/// field that comes in (observation and edge status timestamps, derived event start and end, integrator event timestamps)
/// outside it is a clock fault or a hostile value, refused with a 400 that names the field: the edge quarantines such a
/// batch instead of retrying it. An unset controller clock reads 1970-01-01 and is stored; the upper bound keeps every
/// PostgreSQL day partition and every microsecond count in range on both stores.
/// </summary>
internal static class AcceptedTimes
{
    public static readonly DateTimeOffset Min = DateTimeOffset.UnixEpoch;
    public static readonly DateTimeOffset Max = new(2200, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The range as the problem details say it.</summary>
    public const string Range = "1970-01-01T00:00:00Z up to, not including, 2200-01-01T00:00:00Z";

    public static bool Contains(DateTimeOffset t) => t.UtcTicks >= Min.UtcTicks && t.UtcTicks < Max.UtcTicks;

    public static string Format(DateTimeOffset t) => t.ToString("o", CultureInfo.InvariantCulture);
}
