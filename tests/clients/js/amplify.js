'use strict';
/*
 * aws-amplify v6 (Auth category, Cognito provider) in Node against a Userpools server.
 *
 *   UP_ENDPOINT=http://127.0.0.1:PORT UP_POOL_ID=... UP_CLIENT_ID=... UP_STORAGE=/tmp/x.json \
 *     node amplify.js '[{"op": "signIn", "username": "alice", "password": "..."}]'
 *
 * Steps (see lib.js for the plan and output format):
 *   signUp {username, password, attributes?}   confirmSignUp {username, code}
 *   signIn {username, password, authFlowType?, newPassword?}   (default flow: USER_SRP_AUTH; newPassword
 *          answers CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED with confirmSignIn)
 *   fetchAuthSession {forceRefresh?}   getCurrentUser {}   updatePassword {oldPassword, newPassword}
 *   signOut {global?}   tokens {}  (what the token store holds, refresh token included)
 *   resetPassword {username}   confirmResetPassword {username, code, newPassword}   fetchUserAttributes {}
 *   updateUserAttributes {attributes}   confirmUserAttribute {key, code}   deleteUser {}
 *   signInUserAuth {username, password?, preferredChallenge?, choice?, outbox?}  (USER_AUTH: picks `choice`
 *          at CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION, gives `password` when asked, and reads an email
 *          or SMS code for `username` from the `outbox` file)
 * The token store is UP_STORAGE (a JSON file), so a later run continues the same signed-in session.
 */

const { Amplify } = require('aws-amplify');
const auth = require('aws-amplify/auth');
const { cognitoUserPoolsTokenProvider } = require('aws-amplify/auth/cognito');
const fs = require('fs');
const { FileStorage, claims, env, runPlan } = require('./lib');

/** The newest six-digit sign-in code sent to `username` (the server's outbox file), waiting up to 5 s. */
async function codeFromOutbox(path, username, after) {
	for (let i = 0; i < 50; i++) {
		const lines = fs.existsSync(path) ? fs.readFileSync(path, 'utf8').trim().split('\n') : [];
		const sent = lines.slice(after).filter(Boolean).map(JSON.parse)
			.filter(m => m.username === username && m.kind === 'mfa');
		if (sent.length) return sent[sent.length - 1].body.match(/\b\d{6}\b/)[0];
		await new Promise(resolve => setTimeout(resolve, 100));
	}
	throw new Error(`no code for ${username} in ${path}`);
}

function outboxLines(path) {
	return path && fs.existsSync(path) ? fs.readFileSync(path, 'utf8').trim().split('\n').length : 0;
}

/** Amplify's KeyValueStorageInterface (async) over the file-backed storage. */
function keyValueStorage(file) {
	return {
		setItem: async (key, value) => void file.setItem(key, value),
		getItem: async key => file.getItem(key),
		removeItem: async key => void file.removeItem(key),
		clear: async () => void file.clear(),
	};
}

function tokenView(tokens) {
	if (!tokens) return null;
	const access = tokens.accessToken ? tokens.accessToken.toString() : null;
	const id = tokens.idToken ? tokens.idToken.toString() : null;
	return { accessToken: access, idToken: id, accessClaims: claims(access), idClaims: claims(id) };
}

const ops = {
	async signUp(step) {
		return auth.signUp({
			username: step.username,
			password: step.password,
			options: { userAttributes: step.attributes || {} },
		});
	},
	async confirmSignUp(step) {
		return auth.confirmSignUp({ username: step.username, confirmationCode: step.code });
	},
	async signIn(step) {
		const options = step.authFlowType ? { authFlowType: step.authFlowType } : undefined;
		const first = await auth.signIn({ username: step.username, password: step.password, options });
		const out = { first };
		if (first.nextStep.signInStep === 'CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED' && step.newPassword) {
			out.confirm = await auth.confirmSignIn({ challengeResponse: step.newPassword });
		}
		const done = out.confirm || first;
		out.isSignedIn = done.isSignedIn;
		out.signInStep = done.nextStep.signInStep;
		return out;
	},
	async signInUserAuth(step) {
		const options = { authFlowType: 'USER_AUTH' };
		if (step.preferredChallenge) options.preferredChallenge = step.preferredChallenge;
		const seen = outboxLines(step.outbox);
		const password = step.preferredChallenge ? step.password : undefined;
		let res = await auth.signIn({ username: step.username, password, options });
		const out = { steps: [res.nextStep.signInStep] };
		if (res.nextStep.signInStep === 'CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION') {
			out.availableChallenges = res.nextStep.availableChallenges;
			res = await auth.confirmSignIn({ challengeResponse: step.choice });
			out.steps.push(res.nextStep.signInStep);
		}
		if (res.nextStep.signInStep === 'CONFIRM_SIGN_IN_WITH_PASSWORD') {
			res = await auth.confirmSignIn({ challengeResponse: step.password });
			out.steps.push(res.nextStep.signInStep);
		}
		if (['CONFIRM_SIGN_IN_WITH_EMAIL_CODE', 'CONFIRM_SIGN_IN_WITH_SMS_CODE'].includes(res.nextStep.signInStep)) {
			out.codeDeliveryDetails = res.nextStep.codeDeliveryDetails;
			const code = await codeFromOutbox(step.outbox, step.username, seen);
			res = await auth.confirmSignIn({ challengeResponse: code });
			out.steps.push(res.nextStep.signInStep);
		}
		out.isSignedIn = res.isSignedIn;
		return out;
	},
	async fetchAuthSession(step) {
		const s = await auth.fetchAuthSession({ forceRefresh: Boolean(step.forceRefresh) });
		return { userSub: s.userSub, tokens: tokenView(s.tokens) };
	},
	async getCurrentUser() {
		return auth.getCurrentUser();
	},
	async updatePassword(step) {
		await auth.updatePassword({ oldPassword: step.oldPassword, newPassword: step.newPassword });
		return 'SUCCESS';
	},
	async signOut(step) {
		await auth.signOut({ global: Boolean(step.global) });
		return 'SUCCESS';
	},
	async resetPassword(step) {
		return auth.resetPassword({ username: step.username });
	},
	async confirmResetPassword(step) {
		await auth.confirmResetPassword({
			username: step.username,
			confirmationCode: step.code,
			newPassword: step.newPassword,
		});
		return 'SUCCESS';
	},
	async fetchUserAttributes() {
		return auth.fetchUserAttributes();
	},
	async updateUserAttributes(step) {
		return auth.updateUserAttributes({ userAttributes: step.attributes });
	},
	async confirmUserAttribute(step) {
		await auth.confirmUserAttribute({ userAttributeKey: step.key, confirmationCode: step.code });
		return 'SUCCESS';
	},
	async deleteUser() {
		await auth.deleteUser();
		return 'SUCCESS';
	},
	async tokens() {
		const t = await cognitoUserPoolsTokenProvider.authTokenStore.loadTokens();
		if (!t) return null;
		return { ...tokenView(t), refreshToken: t.refreshToken || null, username: t.username || null };
	},
};

runPlan(ops, async () => {
	Amplify.configure({
		Auth: {
			Cognito: {
				userPoolId: env('UP_POOL_ID'),
				userPoolClientId: env('UP_CLIENT_ID'),
				userPoolEndpoint: env('UP_ENDPOINT'),
			},
		},
	});
	cognitoUserPoolsTokenProvider.setKeyValueStorage(keyValueStorage(new FileStorage(env('UP_STORAGE', ''))));
	return {};
});
