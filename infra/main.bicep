// Doorman on Azure: one resource group per environment.
//   user-assigned identity ─┬─ is the bot (UserAssignedMSI) and Doorman's Graph identity (no secret anywhere)
//                           └─ reads Key Vault secrets (RBAC role "Key Vault Secrets User")
//   App Service (Linux, Node 22 LTS) runs Doorman; its app settings are exactly the keys src/config.ts reads
//   Azure Bot + Teams channel → https://<app>/api/messages
//   PostgreSQL Flexible Server (DATABASE_URL lives in Key Vault) · Application Insights (workspace-based)
// Outputs are named like the env keys they fill (env/.env.<env>), as the Agents Toolkit's arm/deploy expects.
// No Bicep compiler was available offline where this was written: keep it small and conventional;
// test/integration/appPackage/infra.test.ts checks it structurally against src/config.ts.

targetScope = 'resourceGroup'

@description('Short lowercase name every resource name starts from.')
@minLength(3)
@maxLength(12)
param resourceBaseName string = 'doorman'

@description('Environment name (dev, prod); part of every resource name.')
@minLength(2)
@maxLength(8)
param environmentName string

@description('Region of everything but the bot registration (which is global).')
param location string = resourceGroup().location

@description('UserAssignedMSI: the bot signs in as the managed identity, no secret. SingleTenant: an app registration you created, with a client secret. (Multi-tenant bot creation is deprecated.)')
@allowed([
  'UserAssignedMSI'
  'SingleTenant'
])
param botType string = 'UserAssignedMSI'

@description('SingleTenant only: client id of the bot\'s app registration.')
param botAppRegistrationId string = ''

@secure()
@description('SingleTenant only: its client secret, stored in Key Vault as bot-password. Leave empty to set that secret yourself.')
param botPassword string = ''

@secure()
@description('Bearer token for /metrics (at least 32 characters), stored in Key Vault as metrics-token. Empty: no METRICS_TOKEN, and /metrics answers 404.')
param metricsToken string = ''

@maxLength(42)
param botDisplayName string = 'Doorman'

@allowed([
  'F0'
  'S1'
])
@description('F0 is free for Teams (Teams is a standard channel).')
param botSku string = 'F0'

@description('App Service plan SKU; B1 or larger, because Always On (needed by the deadline sweeper) is not offered on F1.')
param appServiceSku string = 'B1'

param postgresAdminLogin string = 'doorman'

@secure()
@minLength(12)
param postgresAdminPassword string

@allowed([
  'graph'
  'local'
])
@description('graph: one-time Teams meetings through Microsoft Graph. local: Doorman\'s own room page (explicit opt-out).')
param meetings string = 'graph'

@allowed([
  'graph'
  'local'
])
@description('graph: lockbox access is membership of an Entra group (lockboxAccessGroupId). local: a grant table only.')
param access string = 'graph'

@description('Object id of the Entra group whose membership carries lockbox access (access = graph).')
param lockboxAccessGroupId string = ''

@allowed([
  'intune'
  'local'
  'off'
])
@description('intune: assist lists the user\'s Intune devices and offers Restart/Sync through Graph (docs/graph.md §2b). off: free text, no device actions. local: a labelled stand-in.')
param devices string = 'off'

@allowed([
  'graph'
  'local'
])
param mail string = 'graph'

@description('Mailbox the invitation mails come from; required because Doorman refuses MAIL=graph without it.')
param mailSender string

@allowed([
  'onlineMeeting'
  'calendarEvent'
])
param graphMeetingMode string = 'onlineMeeting'

@description('agent (the agent who creates the request organizes the meeting) or a service account\'s user id / UPN.')
param graphOrganizer string = 'agent'

@allowed([
  'graph'
  'configured'
])
@description('graph: names, mail, language and time zones from Entra, and ROLE_* may name groups (group:<object id>); the identity needs User.Read.All, MailboxSettings.Read and GroupMember.Read.All (docs/graph.md). configured: ROLE_* are object ids only.')
param directory string = 'graph'

@description('Entra object ids of the people in each role, comma-separated; with directory = graph also group:<object id>.')
param roleAdmins string = ''
param roleAgents string
param roleApprovers string = ''
param roleEngineers string = ''

param defaultTimeZone string = 'UTC'

@description('Client id of the app registration the Requests tab signs in with (SSO); empty: the tab says SSO is not set up.')
param tabSsoClientId string = ''

@description('Application ID URI of that registration: api://<BOT_DOMAIN>/<client id>.')
param tabSsoAppIdUri string = ''

@description('The Teams app id in the organization app catalog (docs/graph.md §2c); the identity then needs TeamsAppInstallation.ReadWriteSelfForUser.All (install Doorman for people who never opened it) and TeamsActivity.Send (activity-feed notifications), docs/graph.md §2c and §10. Empty: activity-feed notifications are off and people who never opened Doorman are reached by mail only.')
param teamsAppId string = ''

// Global names (web app, Key Vault, PostgreSQL, bot handle) must be unique in Azure; the suffix is stable per resource group.
var suffix = take(uniqueString(resourceGroup().id), 6)
var baseName = '${resourceBaseName}-${environmentName}-${suffix}'
var databaseName = 'doorman'
// Built-in role "Key Vault Secrets User": read secret values, nothing else.
var keyVaultSecretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${baseName}'
  location: location
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-${baseName}'
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

// Classic Application Insights is retired; a component must sit on a Log Analytics workspace.
resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-${baseName}'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: 'kv-${resourceBaseName}-${suffix}'
  location: location
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
  }
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, keyVaultSecretsUserRoleId)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUserRoleId)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource postgres 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: 'psql-${baseName}'
  location: location
  sku: {
    name: 'Standard_B1ms'
    tier: 'Burstable'
  }
  properties: {
    version: '16'
    administratorLogin: postgresAdminLogin
    administratorLoginPassword: postgresAdminPassword
    storage: {
      storageSizeGB: 32
    }
    backup: {
      backupRetentionDays: 7
      geoRedundantBackup: 'Disabled'
    }
    highAvailability: {
      mode: 'Disabled'
    }
    authConfig: {
      passwordAuth: 'Enabled'
      activeDirectoryAuth: 'Disabled'
    }
    network: {
      publicNetworkAccess: 'Enabled'
    }
  }
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = {
  parent: postgres
  name: databaseName
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
}

// 0.0.0.0–0.0.0.0 is Azure's convention for "connections from Azure services". It admits any tenant's Azure
// resources, so the password still guards the server; use VNet integration and private access for a stricter set-up.
resource allowAzureServices 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = {
  parent: postgres
  name: 'AllowAllAzureServicesAndResourcesWithinAzureIps'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
}

// The connection string carries the password, so it lives in Key Vault and the app setting is only a reference.
// verify-full: the server's certificate chains to a public CA Node trusts, and pg warns about weaker modes.
resource databaseUrlSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'database-url'
  properties: {
    value: 'postgresql://${postgresAdminLogin}:${uriComponent(postgresAdminPassword)}@${postgres.properties.fullyQualifiedDomainName}:5432/${database.name}?sslmode=verify-full'
  }
}

resource botPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (botType == 'SingleTenant' && !empty(botPassword)) {
  parent: vault
  name: 'bot-password'
  properties: {
    value: botPassword
  }
}

resource metricsTokenSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(metricsToken)) {
  parent: vault
  name: 'metrics-token'
  properties: {
    value: metricsToken
  }
}

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: 'plan-${baseName}'
  location: location
  kind: 'linux'
  sku: {
    name: appServiceSku
  }
  properties: {
    reserved: true
  }
}

resource webApp 'Microsoft.Web/sites@2023-12-01' = {
  name: 'app-${baseName}'
  location: location
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Key Vault references resolve with the system identity unless told otherwise; this app has only the user-assigned one.
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      linuxFxVersion: 'NODE|22-lts'
      // Not `npm start`: that also launches the Agents Playground for local mode.
      appCommandLine: 'node dist/src/main.js'
      // Deadlines are claimed by an in-process sweeper; an idle-unloaded app would expire requests late.
      alwaysOn: true
      healthCheckPath: '/healthz'
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      http20Enabled: true
    }
  }
}

var botAppId = botType == 'UserAssignedMSI' ? identity.properties.clientId : botAppRegistrationId
var publicBaseUrl = 'https://${webApp.properties.defaultHostName}'

// Settings of the platform, not of Doorman. Oryx builds on the server (npm install + npm run build) because
// better-sqlite3 is a native module: a node_modules built on another machine or Node version would not load.
var platformSettings = {
  SCM_DO_BUILD_DURING_DEPLOYMENT: 'true'
}

// Exactly the keys src/config.ts reads. PORT is absent on purpose: App Service sets it for the Node container.
var doormanSettings = {
  HOST: '0.0.0.0'
  PUBLIC_BASE_URL: publicBaseUrl
  LOG_LEVEL: 'info'
  BOT_ID: botAppId
  BOT_TYPE: botType
  BOT_TENANT_ID: tenant().tenantId
  DATABASE_URL: '@Microsoft.KeyVault(SecretUri=${databaseUrlSecret.properties.secretUri})'
  MEETINGS: meetings
  MAIL: mail
  MAIL_SENDER: mailSender
  ACCESS: access
  LOCKBOX_ACCESS_GROUP_ID: lockboxAccessGroupId
  DEVICES: devices
  GRAPH_TENANT_ID: tenant().tenantId
  GRAPH_CLIENT_ID: identity.properties.clientId
  GRAPH_CREDENTIAL: 'managedIdentity'
  GRAPH_MEETING_MODE: graphMeetingMode
  GRAPH_ORGANIZER: graphOrganizer
  DIRECTORY: directory
  ROLE_ADMINS: roleAdmins
  ROLE_AGENTS: roleAgents
  ROLE_APPROVERS: roleApprovers
  ROLE_ENGINEERS: roleEngineers
  DEFAULT_TIME_ZONE: defaultTimeZone
  TAB_SSO_CLIENT_ID: tabSsoClientId
  TAB_SSO_APP_ID_URI: tabSsoAppIdUri
  TEAMS_APP_ID: teamsAppId
  APPLICATIONINSIGHTS_CONNECTION_STRING: insights.properties.ConnectionString
}

// By vault and name, not secret URI, so the reference exists even when the secret is set outside this template.
var singleTenantSettings = {
  BOT_PASSWORD: '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=bot-password)'
}

// Only with a token: App Service passes an unresolved Key Vault reference on as its own text, and that text (vault
// and secret name) would then be the bearer token of /metrics.
var metricsSettings = {
  METRICS_TOKEN: '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=metrics-token)'
}

resource appSettings 'Microsoft.Web/sites/config@2023-12-01' = {
  parent: webApp
  name: 'appsettings'
  // Key Vault references resolve only once the identity may read secrets.
  dependsOn: [
    secretsUser
  ]
  properties: union(platformSettings, doormanSettings, botType == 'SingleTenant' ? singleTenantSettings : {}, empty(metricsToken) ? {} : metricsSettings)
}

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: 'bot-${baseName}'
  location: 'global'
  kind: 'azurebot'
  sku: {
    name: botSku
  }
  properties: {
    displayName: botDisplayName
    endpoint: '${publicBaseUrl}/api/messages'
    msaAppId: botAppId
    msaAppType: botType
    msaAppTenantId: tenant().tenantId
    msaAppMSIResourceId: botType == 'UserAssignedMSI' ? identity.id : null
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
    }
  }
}

// Named like env keys; arm/deploy writes them into env/.env.<env>. No output carries a secret:
// DATABASE_URL, BOT_PASSWORD and METRICS_TOKEN exist only in Key Vault.
output AZURE_APP_SERVICE_RESOURCE_ID string = webApp.id
output AZURE_WEB_APP_NAME string = webApp.name
output AZURE_KEY_VAULT_NAME string = vault.name
output AZURE_IDENTITY_PRINCIPAL_ID string = identity.properties.principalId
output BOT_ID string = botAppId
output BOT_TYPE string = botType
output BOT_TENANT_ID string = tenant().tenantId
output BOT_DOMAIN string = webApp.properties.defaultHostName
output PUBLIC_BASE_URL string = publicBaseUrl
output GRAPH_TENANT_ID string = tenant().tenantId
output GRAPH_CLIENT_ID string = identity.properties.clientId
