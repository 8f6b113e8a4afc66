'use strict';
/*
 * amazon-cognito-identity-js against a Userpools server.
 *
 *   UP_ENDPOINT=http://127.0.0.1:PORT UP_POOL_ID=... UP_CLIENT_ID=... UP_STORAGE=/tmp/x.json \
 *     node cij.js '[{"op": "signIn", "username": "alice", "password": "..."}]'
 *
 * Steps (see lib.js for the plan and output format):
 *   signUp {username, password, attributes?}      confirmRegistration {username, code, forceAliasCreation?}
 *   signIn {username, password, flow?, newPassword?, attributes?}   (SRP unless flow: USER_PASSWORD_AUTH;
 *          newPassword answers NEW_PASSWORD_REQUIRED with completeNewPasswordChallenge; flow CUSTOM_AUTH
 *          is SRP then custom challenges, answered with sendCustomChallengeAnswer: first the step's
 *          `answers`, then the content of `answerFile` once it appears)
 *   customSignIn {username, answers?, answerFile?}   (CUSTOM_AUTH without a password: initiateAuth)
 *   getSession {}   refreshSession {}   changePassword {oldPassword, newPassword}
 *   forgotPassword {username}   confirmPassword {username, code, newPassword}
 *   getUserAttributes {}   updateAttributes {attributes}   globalSignOut {}
 *   getAttributeVerificationCode {name}   verifyAttribute {name, code}   resendConfirmationCode {username}
 *   signOut {}  (with a callback: RevokeToken on the refresh token, then the cache is cleared)   deleteUser {}
 *   setDeviceStatusRemembered {}   listDevices {limit?, paginationToken?}   forgetDevice {}  (cached device)
 *   associateSoftwareToken {}   verifySoftwareToken {code, friendlyDeviceName?}   setUserMfaPreference {totp}
 *   (signIn answers SOFTWARE_TOKEN_MFA with totpCode when given)
 * Signed-in steps use the user kept in UP_STORAGE (the library's own token cache) by an earlier run.
 */

const {
	AuthenticationDetails,
	CognitoUser,
	CognitoUserAttribute,
	CognitoUserPool,
} = require('amazon-cognito-identity-js');
const fs = require('node:fs');
const { FileStorage, claims, env, runPlan } = require('./lib');

function session(s) {
	const id = s.getIdToken().getJwtToken();
	const access = s.getAccessToken().getJwtToken();
	return {
		valid: s.isValid(),
		idToken: id,
		accessToken: access,
		refreshToken: s.getRefreshToken().getToken(),
		idClaims: claims(id),
		accessClaims: claims(access),
	};
}

function attributeList(attributes = {}) {
	return Object.entries(attributes).map(([Name, Value]) => new CognitoUserAttribute({ Name, Value }));
}

/** Node-style callback → promise. */
function call(fn) {
	return new Promise((resolve, reject) => {
		fn((err, ...values) => (err ? reject(err) : resolve(values.length > 1 ? values : values[0])));
	});
}

function user(state, username) {
	if (username) return new CognitoUser({ Username: username, Pool: state.pool, Storage: state.storage });
	const current = state.pool.getCurrentUser();
	if (!current) throw new Error('no signed-in user in the storage: run signIn first');
	return current;
}

/** The stored user with its session loaded (refreshing it if the library decides it must). */
async function signedIn(state) {
	const u = user(state);
	const s = await call(cb => u.getSession(cb));
	return { u, s };
}

function signIn(step, state) {
	const u = user(state, step.username);
	if (step.flow) u.setAuthenticationFlowType(step.flow);
	const details = new AuthenticationDetails({ Username: step.username, Password: step.password });
	return new Promise((resolve, reject) => {
		const challenge = {};
		const callbacks = {
			onSuccess: (s, userConfirmationNecessary) =>
				resolve({ ...session(s), username: u.getUsername(), challenge, deviceKey: u.deviceKey, userConfirmationNecessary }),
			onFailure: reject,
			newPasswordRequired: (userAttributes, requiredAttributes) => {
				challenge.name = 'NEW_PASSWORD_REQUIRED';
				challenge.userAttributes = userAttributes;
				challenge.requiredAttributes = requiredAttributes;
				if (!step.newPassword) {
					const err = new Error('NEW_PASSWORD_REQUIRED challenge and no newPassword in the step');
					err.name = 'NewPasswordRequired';
					reject(err);
					return;
				}
				u.completeNewPasswordChallenge(step.newPassword, step.attributes || {}, callbacks);
			},
			mfaRequired: () => reject(new Error('unexpected MFA challenge')),
			// MFA: a SOFTWARE_TOKEN_MFA challenge is answered with the step's totpCode when it has one.
			totpRequired: () =>
				step.totpCode
					? u.sendMFACode(step.totpCode, callbacks, 'SOFTWARE_TOKEN_MFA')
					: reject(new Error('unexpected TOTP challenge')),
			customChallenge: parameters => answerCustom(step, u, challenge, parameters, callbacks, reject),
			mfaSetup: () => reject(new Error('unexpected MFA_SETUP challenge')),
			selectMFAType: () => reject(new Error('unexpected SELECT_MFA_TYPE challenge')),
		};
		u.authenticateUser(details, callbacks);
	});
}

/** The next answer to a custom challenge: the step's `answers` first, then `answerFile`'s content. */
async function nextAnswer(step) {
	if (step.answers && step.answers.length) return step.answers.shift();
	if (!step.answerFile) throw new Error('unexpected custom challenge');
	const deadline = Date.now() + 10000;
	while (Date.now() < deadline) {
		if (fs.existsSync(step.answerFile)) {
			const text = fs.readFileSync(step.answerFile, 'utf8').trim();
			fs.unlinkSync(step.answerFile);
			if (text) return text;
		}
		await new Promise(resolve => setTimeout(resolve, 50));
	}
	throw new Error(`no answer in ${step.answerFile}`);
}

/** customChallenge callback: records the challenge parameters, answers with sendCustomChallengeAnswer. */
function answerCustom(step, u, challenge, parameters, callbacks, reject) {
	challenge.name = 'CUSTOM_CHALLENGE';
	challenge.custom = [...(challenge.custom || []), parameters];
	nextAnswer(step).then(answer => u.sendCustomChallengeAnswer(answer, callbacks, step.clientMetadata), reject);
}

function customSignIn(step, state) {
	const u = user(state, step.username);
	u.setAuthenticationFlowType('CUSTOM_AUTH');
	const details = new AuthenticationDetails({ Username: step.username });
	return new Promise((resolve, reject) => {
		const challenge = {};
		const callbacks = {
			onSuccess: s => resolve({ ...session(s), username: u.getUsername(), challenge }),
			onFailure: reject,
			customChallenge: parameters => answerCustom(step, u, challenge, parameters, callbacks, reject),
		};
		u.initiateAuth(details, callbacks);
	});
}

const ops = {
	async signUp(step, state) {
		const r = await call(cb =>
			state.pool.signUp(step.username, step.password, attributeList(step.attributes), null, cb)
		);
		return { userConfirmed: r.userConfirmed, userSub: r.userSub, codeDeliveryDetails: r.codeDeliveryDetails };
	},
	async confirmRegistration(step, state) {
		const u = user(state, step.username);
		return call(cb => u.confirmRegistration(step.code, Boolean(step.forceAliasCreation), cb));
	},
	signIn,
	customSignIn,
	async getSession(_step, state) {
		const { u, s } = await signedIn(state);
		return { ...session(s), username: u.getUsername() };
	},
	async refreshSession(_step, state) {
		const { u, s } = await signedIn(state);
		const fresh = await call(cb => u.refreshSession(s.getRefreshToken(), cb));
		return session(fresh);
	},
	async changePassword(step, state) {
		const { u } = await signedIn(state);
		return call(cb => u.changePassword(step.oldPassword, step.newPassword, cb));
	},
	forgotPassword(step, state) {
		const u = user(state, step.username);
		return new Promise((resolve, reject) =>
			u.forgotPassword({ onSuccess: resolve, onFailure: reject, inputVerificationCode: resolve })
		);
	},
	confirmPassword(step, state) {
		const u = user(state, step.username);
		return new Promise((resolve, reject) =>
			u.confirmPassword(step.code, step.newPassword, { onSuccess: resolve, onFailure: reject })
		);
	},
	async getUserAttributes(_step, state) {
		const { u } = await signedIn(state);
		const list = await call(cb => u.getUserAttributes(cb));
		return Object.fromEntries(list.map(a => [a.getName(), a.getValue()]));
	},
	async updateAttributes(step, state) {
		const { u } = await signedIn(state);
		const [result, details] = await call(cb => u.updateAttributes(attributeList(step.attributes), cb));
		return { result, details };
	},
	async getAttributeVerificationCode(step, state) {
		const { u } = await signedIn(state);
		return new Promise((resolve, reject) =>
			u.getAttributeVerificationCode(step.name, {
				onSuccess: resolve,
				onFailure: reject,
				inputVerificationCode: resolve,
			})
		);
	},
	async verifyAttribute(step, state) {
		const { u } = await signedIn(state);
		return new Promise((resolve, reject) =>
			u.verifyAttribute(step.name, step.code, { onSuccess: resolve, onFailure: reject })
		);
	},
	async resendConfirmationCode(step, state) {
		const u = user(state, step.username);
		return call(cb => u.resendConfirmationCode(cb));
	},
	async signOut(_step, state) {
		const u = user(state);
		await new Promise((resolve, reject) => u.signOut(err => (err ? reject(err) : resolve())));
		return 'SUCCESS';
	},
	async deleteUser(_step, state) {
		const { u } = await signedIn(state);
		return call(cb => u.deleteUser(cb));
	},
	// Remembered devices: the device the library cached at sign-in (setDeviceStatusRemembered, ...).
	async setDeviceStatusRemembered(_step, state) {
		const { u } = await signedIn(state);
		u.getCachedDeviceKeyAndPassword();
		return new Promise((resolve, reject) => u.setDeviceStatusRemembered({ onSuccess: resolve, onFailure: reject }));
	},
	async listDevices(step, state) {
		const { u } = await signedIn(state);
		return new Promise((resolve, reject) =>
			u.listDevices(step.limit || 10, step.paginationToken || null, { onSuccess: resolve, onFailure: reject })
		);
	},
	async forgetDevice(_step, state) {
		const { u } = await signedIn(state);
		u.getCachedDeviceKeyAndPassword();
		return new Promise((resolve, reject) => u.forgetDevice({ onSuccess: resolve, onFailure: reject }));
	},
	// Software-token MFA for the signed-in user (the test computes the TOTP codes from the secret).
	async associateSoftwareToken(_step, state) {
		const { u } = await signedIn(state);
		return new Promise((resolve, reject) =>
			u.associateSoftwareToken({ associateSecretCode: secretCode => resolve({ secretCode }), onFailure: reject })
		);
	},
	async verifySoftwareToken(step, state) {
		const { u } = await signedIn(state);
		return new Promise((resolve, reject) =>
			u.verifySoftwareToken(step.code, step.friendlyDeviceName || 'js', { onSuccess: resolve, onFailure: reject })
		);
	},
	async setUserMfaPreference(step, state) {
		const { u } = await signedIn(state);
		const totp = step.totp ? { PreferredMfa: true, Enabled: true } : { PreferredMfa: false, Enabled: false };
		return call(cb => u.setUserMfaPreference(null, totp, cb));
	},
	async globalSignOut(_step, state) {
		const { u } = await signedIn(state);
		return new Promise((resolve, reject) => u.globalSignOut({ onSuccess: resolve, onFailure: reject }));
	},
};

runPlan(ops, async () => {
	const storage = new FileStorage(env('UP_STORAGE', ''));
	const pool = new CognitoUserPool({
		UserPoolId: env('UP_POOL_ID'),
		ClientId: env('UP_CLIENT_ID'),
		endpoint: env('UP_ENDPOINT'),
		Storage: storage,
	});
	return { pool, storage };
});
