// The Requests tab outside Teams: teams-js is replaced (page.route) by this stand-in host.

/** The stand-in Teams host: what teams-js would answer inside Teams, recorded on window for the test. */
export function teamsHostStub(options: { token: string | null; theme?: string; channelId?: string; tokenError?: string; subPageId?: string; locale?: string }): string {
  return `window.__teams = { valid: null, config: null, save: null };
window.microsoftTeams = {
  app: {
    initialize: function () { return Promise.resolve(); },
    getContext: function () {
      return Promise.resolve({ app: { theme: ${JSON.stringify(options.theme ?? 'default')}, locale: ${JSON.stringify(options.locale ?? 'en-us')} },
        channel: ${options.channelId ? `{ id: ${JSON.stringify(options.channelId)} }` : 'undefined'},
        page: ${options.subPageId ? `{ id: 'requests', subPageId: ${JSON.stringify(options.subPageId)} }` : 'undefined'} });
    },
    notifySuccess: function () {},
    registerOnThemeChangeHandler: function () {},
  },
  authentication: {
    getAuthToken: function () {
      return ${options.token ? `Promise.resolve(${JSON.stringify(options.token)})` : `Promise.reject(new Error(${JSON.stringify(options.tokenError ?? 'resourceDisabled')}))`};
    },
  },
  pages: { config: {
    setValidityState: function (valid) { window.__teams.valid = valid; },
    registerOnSaveHandler: function (handler) { window.__teams.save = handler; },
    setConfig: function (config) { window.__teams.config = config; return Promise.resolve(); },
  } },
};`;
}
