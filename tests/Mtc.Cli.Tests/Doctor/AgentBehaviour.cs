namespace Mtc.Cli.Tests.Doctor;

/// <summary>What <c>mtc doctor</c> must find at an agent of a kind: cppagent's behaviour, or MTConnect.NET's quirks.</summary>
/// <param name="NextSequence">The <c>next-sequence</c> finding's semantics fact.</param>
/// <param name="IdleAnswers">What <c>sample?from=nextSequence</c> may answer (a busy agent answers data).</param>
public sealed record AgentBehaviour(string Version, string NextSequence, bool ErrorsWith200, string[] IdleAnswers, bool BomsBeforeBoundaries, string[] PartHeaders)
{
    public static AgentBehaviour Of(string profile, string version) => profile switch
    {
        "cppagent" => new(version, "follows-last-returned", false, ["empty", "data"], false, ["Content-Length", "Content-Type"]),
        "mtconnect.net" => new(version, "buffer-end", true, ["OUT_OF_RANGE"], true, ["Content-length", "Content-type"]),
        _ => throw new ArgumentOutOfRangeException(nameof(profile), profile, "no such agent profile"),
    };

    public string ErrorSchema => string.CompareOrdinal(Version, "2.6") >= 0 ? "typed" : "legacy";

    /// <summary>Asserts each finding that tells this kind of agent apart, with the report in the message when one differs.</summary>
    internal void AssertFoundBy(DoctorRun run)
    {
        Assert.Equal(Version, run.Fact("version", "schemaVersion").GetString());
        Assert.True(NextSequence == run.Fact("next-sequence", "semantics").GetString(), run.Explain("next-sequence"));
        Assert.True(ErrorsWith200 == run.Fact("error-status", "errorsWith200").GetBoolean(), run.Explain("error-status"));
        foreach (var answer in run.Fact("error-status", "answers").EnumerateArray().Where(a => a.GetProperty("errorDocument").GetBoolean()))
        {
            var status = answer.GetProperty("status").GetInt32();
            Assert.True(ErrorsWith200 ? status == 200 : status is >= 400 and < 500, run.Explain("error-status"));
        }

        Assert.True(ErrorSchema == run.Fact("error-schema", "schema").GetString(), run.Explain("error-schema"));
        Assert.True(IdleAnswers.Contains(run.Fact("idle-sample", "answer").GetString()), run.Explain("idle-sample"));
        Assert.True(run.Fact("streaming", "streaming").GetBoolean(), run.Explain("streaming"));
        Assert.True(run.Fact("streaming", "parts").GetInt32() >= 1, run.Explain("streaming"));
        Assert.True(BomsBeforeBoundaries == run.Fact("streaming", "bomsBetweenParts").GetInt32() > 0, run.Explain("streaming"));
        Assert.Equal(PartHeaders, run.Fact("streaming", "partHeaders").EnumerateArray().Select(h => h.GetString()!).ToArray());
        Assert.Equal("ok", run.Verdict("heartbeat"));
    }
}
