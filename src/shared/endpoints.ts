/** Where the outside services are: from the config, or the sandbox's simulators. */
export interface Endpoints {
  readonly tiktok: { appKey: string; appSecret: string; apiBaseUrl: string; authBaseUrl: string } | undefined;
  readonly shippo: { token: string; baseUrl: string; webhookSecret: string | undefined } | undefined;
  readonly easypost?: { apiKey: string; baseUrl: string } | undefined;
}
