namespace Mtc.Cli.Tests;

internal static class Repository
{
    /// <summary>The checkout the tests run from (where MtcCore.slnx is).</summary>
    public static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MtcCore.slnx")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("the repository root (MtcCore.slnx) is not above " + AppContext.BaseDirectory);
    }
}
