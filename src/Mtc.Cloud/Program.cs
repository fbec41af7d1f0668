await Mtc.Cloud.CloudApp.Create(args).RunAsync();
