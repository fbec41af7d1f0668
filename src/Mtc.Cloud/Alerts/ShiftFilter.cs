namespace Mtc.Cloud.Alerts;

/// <summary>
/// The working time between two instants, for the rules that judge how long a machine did nothing (idle). Without shift
/// calendars the whole day is one shift, so it is all of it; a tenant's calendar would subtract its breaks here and only here.
/// </summary>
internal static class ShiftFilter
{
    public static double WorkingMinutes(string tenant, DateTimeOffset since, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        return Math.Max(0, (now - since).TotalMinutes);
    }
}
