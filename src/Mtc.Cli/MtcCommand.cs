using System.CommandLine;

namespace Mtc.Cli;

/// <summary>The <c>mtc</c> command: one subcommand per job.</summary>
internal static class MtcCommand
{
    public static RootCommand Build(TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("MTConnect Core: edge gateway, cloud API, simulator and tools for MTConnect machine data.");
        root.Subcommands.Add(Commands.InspectCommand.Create());
        root.Subcommands.Add(Commands.EdgeCommand.Create());
        root.Subcommands.Add(Commands.AnalyzeCommand.Create());
        root.Subcommands.Add(Commands.SimCommand.Build(stdout, stderr));
        root.Subcommands.Add(Commands.CloudCommand.Create());
        root.Subcommands.Add(Commands.CloudCommand.CreateDb());
        root.Subcommands.Add(Commands.KeysCommand.Create());
        root.Subcommands.Add(Commands.DemoCommand.Create());
        return root;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = Build(stdout, stderr);
        var config = new InvocationConfiguration { Output = stdout, Error = stderr };
        return await root.Parse(args).InvokeAsync(config).ConfigureAwait(false);
    }
}
