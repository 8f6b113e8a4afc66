'use strict';
/*
 * aws-jwt-verify (JwtRsaVerifier) checking tokens issued by a Userpools server against its JWKS.
 *
 *   UP_ISSUER=http://127.0.0.1:PORT/us-east-1_Abc UP_JWKS_URI=$UP_ISSUER/.well-known/jwks.json \
 *   UP_CLIENT_ID=... node jwt-verify.js '[{"op": "verify", "token": "eyJ...", "tokenUse": "id"}]'
 *
 * Steps (see lib.js for the plan and output format):
 *   verify {token, tokenUse: "id"|"access"}  → the verified payload (JwtRsaVerifier, UP_ISSUER, UP_JWKS_URI)
 *   verifyCognito {token, tokenUse}          → the same with CognitoJwtVerifier({userPoolId: UP_POOL_ID}), for
 *                                              a server whose issuer is the AWS form (USERPOOLS_ISSUER=aws)
 *   jwks {}                                  → the JWKS at UP_JWKS_URI
 * ID tokens are checked with `audience: clientId` (their `aud`); access tokens carry no `aud` in Cognito,
 * so for them `audience` is null and a customJwtCheck requires `client_id` = clientId, as
 * CognitoJwtVerifier does. Every token must also have the expected `token_use`.
 *
 * The library's own JWKS fetcher speaks HTTPS only (node:https), so the cache gets a fetcher built on
 * the global fetch, which also reaches the plain-http loopback server; the library documents custom
 * fetchers for this (SimpleJwksCache({fetcher})). Parsing, key selection and signature checks are the
 * library's own. CognitoJwtVerifier derives its JWKS URL from the pool id (always an AWS host), so with
 * UP_ENDPOINT set that fetcher sends `https://cognito-idp.<region>.amazonaws.com/` requests to the server.
 */

const { CognitoJwtVerifier, JwtRsaVerifier } = require('aws-jwt-verify');
const { SimpleJwksCache } = require('aws-jwt-verify/jwk');
const { env, runPlan } = require('./lib');

/** The error CognitoJwtVerifier would raise (its class names), for the claim checks done here by hand. */
function claimError(name, message) {
	const err = new Error(message);
	err.name = name;
	return err;
}

const AWS_HOST = /^https:\/\/cognito-idp\.[a-z0-9-]+\.amazonaws\.com\//;

const fetcher = {
	async fetch(uri) {
		const endpoint = process.env.UP_ENDPOINT;
		const target = endpoint ? uri.replace(AWS_HOST, `${endpoint.replace(/\/$/, '')}/`) : uri;
		const response = await fetch(target);
		if (response.status !== 200) throw new Error(`GET ${target}: status ${response.status}, expected 200`);
		return response.arrayBuffer();
	},
};

function verifierFor(tokenUse, state) {
	const clientId = state.clientId;
	return JwtRsaVerifier.create(
		{
			issuer: state.issuer,
			jwksUri: state.jwksUri,
			audience: tokenUse === 'id' ? clientId : null,
			customJwtCheck: ({ payload }) => {
				if (payload.token_use !== tokenUse) {
					throw claimError('CognitoJwtInvalidTokenUseError', `token_use is ${payload.token_use}, expected ${tokenUse}`);
				}
				if (tokenUse === 'access' && payload.client_id !== clientId) {
					throw claimError('CognitoJwtInvalidClientIdError', `client_id is ${payload.client_id}, expected ${clientId}`);
				}
			},
		},
		{ jwksCache: state.cache }
	);
}

const ops = {
	async verify(step, state) {
		return verifierFor(step.tokenUse, state).verify(step.token);
	},
	async verifyCognito(step, state) {
		const verifier = CognitoJwtVerifier.create(
			{ userPoolId: env('UP_POOL_ID'), tokenUse: step.tokenUse, clientId: state.clientId },
			{ jwksCache: state.cache }
		);
		return verifier.verify(step.token);
	},
	async jwks(_step, state) {
		return state.cache.getJwks(state.jwksUri);
	},
};

runPlan(ops, async () => ({
	issuer: env('UP_ISSUER', ''),
	jwksUri: env('UP_JWKS_URI', ''),
	clientId: env('UP_CLIENT_ID'),
	cache: new SimpleJwksCache({ fetcher }),
}));
