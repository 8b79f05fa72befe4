Return-Path: <>
Delivered-To: bounces+l.petrov=outlok.example@lists.example.com
Received: from mta1.lists.example.com (mta1.lists.example.com [203.0.113.25])
	by inbound.lists.example.com (Postfix) with ESMTPS id 4dQ8286WcFz2Xq7
	for <bounces+l.petrov=outlok.example@lists.example.com>; Tue, 17 Nov 2026 09:30:26 +0000 (UTC)
Received: by mta1.lists.example.com (Postfix)
	id 4dQ8272nBbz9Qy1; Tue, 17 Nov 2026 09:30:25 +0000 (UTC)
Date: Tue, 17 Nov 2026 09:30:25 +0000 (UTC)
From: MAILER-DAEMON@mta1.lists.example.com (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: bounces+l.petrov=outlok.example@lists.example.com
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
	boundary="4dQ8272nBbz9Qy1.1794907825/mta1.lists.example.com"
Content-Transfer-Encoding: 8bit
Message-Id: <4dQ8274Dfzz9Qy3@mta1.lists.example.com>

This is a MIME-encapsulated message.

--4dQ8272nBbz9Qy1.1794907825/mta1.lists.example.com
Content-Description: Notification
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

This is the mail system at host mta1.lists.example.com.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

For further assistance, please send mail to postmaster.

If you do so, please include this problem report. You can
delete your own text from the attached returned message.

                   The mail system

<l.petrov@outlok.example>: Host or domain name not found. Name service error
    for name=outlok.example type=A: Host not found

--4dQ8272nBbz9Qy1.1794907825/mta1.lists.example.com
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mta1.lists.example.com
X-Postfix-Queue-ID: 4dQ8272nBbz9Qy1
X-Postfix-Sender: rfc822; bounces+l.petrov=outlok.example@lists.example.com
Arrival-Date: Tue, 17 Nov 2026 09:30:24 +0000 (UTC)

Final-Recipient: rfc822; l.petrov@outlok.example
Original-Recipient: rfc822;l.petrov@outlok.example
Action: failed
Status: 5.4.4
Diagnostic-Code: X-Postfix; Host or domain name not found. Name service error
    for name=outlok.example type=A: Host not found

--4dQ8272nBbz9Qy1.1794907825/mta1.lists.example.com
Content-Description: Undelivered Message
Content-Type: message/rfc822
Content-Transfer-Encoding: 8bit

Return-Path: <bounces+l.petrov=outlok.example@lists.example.com>
Received: from app3.lists.example.com (app3.lists.example.com [203.0.113.40])
	by mta1.lists.example.com (Postfix) with ESMTPS id 4dQ8272nBbz9Qy1
	for <l.petrov@outlok.example>; Tue, 17 Nov 2026 09:30:24 +0000 (UTC)
DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=news.example.com;
	s=lh2026; t=1794907824;
	h=from:to:subject:date:message-id:list-id:list-unsubscribe:
	 list-unsubscribe-post:feedback-id;
	bh=6wXP7giojHFWO8Px0LVt3v8tn21nE1oY+1UTZhD9Om0=;
	b=XnDYD8dpgBCukhFabVyNQZ0ec1ToxEFsj6bRWgem3D8rGCukJ6jusZFmvZ2U4mBY
	 JW2WMpAkGNWmrRXr7myMEnLg03SonLkECHNCipbGkN5iuhUAFa9TDGT683Bv8Ee0
From: Example Outfitters <news@news.example.com>
To: l.petrov@outlok.example
Subject: Welcome to Example Outfitters: your 10% code inside
Date: Tue, 17 Nov 2026 09:30:24 +0000
Message-ID: <20261117093024.99107.welcome@news.example.com>
MIME-Version: 1.0
List-Id: Example Outfitters News <news.lists.example.com>
List-Unsubscribe: <https://example.com/u/Bz7Nq4Wk1Tc9Lm3Xr6Dv>,
 <mailto:unsubscribe+Bz7Nq4Wk1Tc9Lm3Xr6Dv@lists.example.com>
List-Unsubscribe-Post: List-Unsubscribe=One-Click
Feedback-ID: welcome:lifecycle:outfitters:exampleco
X-Listhygiene-Rid: v1.99107.welcome.Qc2Hv8Ns5Lx1Wd7Tb4Zm
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Hi Leonid,

welcome aboard! Here is your 10% code for your first order: WELCOME10

Happy trails,
the Example Outfitters team

Unsubscribe: https://example.com/u/Bz7Nq4Wk1Tc9Lm3Xr6Dv

--4dQ8272nBbz9Qy1.1794907825/mta1.lists.example.com--
