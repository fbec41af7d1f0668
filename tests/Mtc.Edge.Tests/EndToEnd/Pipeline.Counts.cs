namespace Mtc.Edge.Tests.EndToEnd;

internal sealed partial class Pipeline
{
    /// <summary>
    /// How many times the cloud stored each sequence of <paramref name="instance"/> in <c>[first, last]</c> (index
    /// <c>sequence - first</c>, saturating at 255), read in one pass: a long run stores more rows than a dictionary of them
    /// should hold.
    /// </summary>
    public byte[] CloudSequenceCounts(string instance, long first, long last)
    {
        var counts = new byte[checked((int)(last - first + 1))];
        using var db = OpenCloudDb();
        using var cmd = db.CreateCommand();
        // @name parameters: both SQLite and PostgreSQL (Npgsql) read them.
        cmd.CommandText = "SELECT seq FROM observations WHERE instance_id = @i AND seq BETWEEN @a AND @b";
        foreach (var (name, value) in new (string, object)[] { ("@i", instance), ("@a", first), ("@b", last) })
        {
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            cmd.Parameters.Add(p);
        }
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            var i = r.GetInt64(0) - first;
            if (counts[i] < byte.MaxValue)
            {
                counts[i]++;
            }
        }
        return counts;
    }
}
