using Mtc.Cli;

return await MtcCommand.RunAsync(args, Console.Out, Console.Error);
